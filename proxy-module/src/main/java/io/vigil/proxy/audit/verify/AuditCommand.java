package io.vigil.proxy.audit.verify;

import io.vigil.proxy.audit.export.ExportTrail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * {@code vigil audit ...}: the auditor's command line.
 *
 * <pre>
 *   vigil audit verify ...                         see {@link VerifyCommand}
 *   vigil audit export --store JDBC-URL [--user NAME] --out FILE
 * </pre>
 */
public final class AuditCommand {

    private static final String USAGE = """
            usage: vigil audit verify --public-key FILE (--store JDBC-URL [--user NAME] | --export FILE)
                   vigil audit export --store JDBC-URL [--user NAME] --out FILE
            the store's password is read from VIGIL_STORE_PASSWORD""";

    private AuditCommand() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.out));
    }

    /** @return the process's exit status */
    public static int run(List<String> args, Map<String, String> environment, PrintStream out) {
        if (args.isEmpty()) {
            out.println(USAGE);
            return VerifyCommand.CANNOT_CHECK;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.getFirst()) {
            case "verify" -> VerifyCommand.run(rest, environment, out);
            case "export" -> export(rest, environment, out);
            default -> {
                out.println(USAGE);
                yield VerifyCommand.CANNOT_CHECK;
            }
        };
    }

    private static int export(List<String> args, Map<String, String> environment, PrintStream out) {
        String url = null;
        String user = null;
        String file = null;
        for (int i = 0; i + 1 < args.size(); i += 2) {
            switch (args.get(i)) {
                case "--store" -> url = args.get(i + 1);
                case "--user" -> user = args.get(i + 1);
                case "--out" -> file = args.get(i + 1);
                default -> url = null;
            }
        }
        if (url == null || file == null || args.size() % 2 != 0) {
            out.println(USAGE);
            return VerifyCommand.CANNOT_CHECK;
        }
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        String password = environment.get("VIGIL_STORE_PASSWORD");
        if (password != null) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            StoreTrail trail = new StoreTrail(DSL.using(c, SQLDialect.POSTGRES));
            ExportTrail export = new ExportTrail(trail.records(), trail.checkpoints());
            c.rollback();
            export.write(Path.of(file));
            out.printf(
                    "exported %,d records and %,d checkpoints to %s%n",
                    export.records().size(), export.checkpoints().size(), file);
            return 0;
        } catch (IOException | SQLException | RuntimeException e) {
            out.println("cannot export the trail: " + e.getMessage());
            return VerifyCommand.CANNOT_CHECK;
        }
    }
}
