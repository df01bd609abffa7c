package io.vigil.review.demo;

import io.vigil.review.security.DemoUsers;
import io.vigil.review.security.People;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The demo users are people Vigil knows from the first start (with addresses nobody owns), so a
 * campaign gives the owner's agents to {@code owner}; {@code maria.chen}, who owns an agent but has
 * no demo login, stays unknown, and her agent's review goes to the fallback reviewer.
 */
@Component
@ConditionalOnBooleanProperty("vigil.demo")
class DemoPeople {

    private final People people;
    private final ObjectProvider<DemoUsers> users;

    DemoPeople(People people, ObjectProvider<DemoUsers> users) {
        this.people = people;
        this.users = users;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void enter() {
        AsVigil.run(this::enterDemoUsers);
    }

    private void enterDemoUsers() {
        Set<String> known = people.people().stream().map(People.Person::login).collect(Collectors.toSet());
        DemoUsers demo = users.getIfAvailable();
        if (demo == null) {
            return; // the demo signs in with an organisation's provider: its people sign in themselves
        }
        for (DemoUsers.DemoUser user : demo.all()) {
            if (!known.contains(user.username())) {
                people.enter(user.username(), user.username() + "@vigil.example");
            }
        }
    }
}
