package io.vigil.review.security;

import io.vigil.db.LocalSecrets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The built-in identity provider's people: one per role, named after it. Their passwords are
 * generated once per data directory (owner-readable files), so a restarted demo keeps them.
 */
public final class DemoUsers {

    /** A demo person. */
    public record DemoUser(String username, String password, Role role) {

        @Override
        public String toString() {
            return "DemoUser[" + username + ", " + role + "]";
        }
    }

    private final List<DemoUser> users;

    DemoUsers(Path dataDir) {
        this.users = Arrays.stream(Role.values())
                .map(role -> {
                    String name = role.name().toLowerCase(Locale.ROOT);
                    return new DemoUser(
                            name,
                            LocalSecrets.readOrCreate(dataDir.resolve("secrets/demo-user-" + name + ".password"), 12),
                            role);
                })
                .toList();
    }

    public List<DemoUser> all() {
        return users;
    }

    public DemoUser withRole(Role role) {
        return users.stream().filter(u -> u.role() == role).findFirst().orElseThrow();
    }
}
