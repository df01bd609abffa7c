package io.vigil.proxy.audit.verify;

import io.vigil.proxy.audit.export.ExportTrail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

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
            usage: vigil audit verify --public-key FILE (--store JDBC-URL [--user NAME] | --export FILE | --pack FILE)
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
        try {
            Map<String, List<String>> options = VerifyCommand.options(args, List.of("--store", "--user", "--out"));
            String url = VerifyCommand.single(options, "--store");
            String file = VerifyCommand.single(options, "--out");
            if (url == null || file == null) {
                out.println(USAGE);
                return VerifyCommand.CANNOT_CHECK;
            }
            ExportTrail export = StoreTrail.snapshot(
                    url, VerifyCommand.single(options, "--user"), environment.get("VIGIL_STORE_PASSWORD"));
            export.write(Path.of(file));
            out.printf(
                    "exported %,d records and %,d checkpoints to %s%n",
                    export.records().size(), export.checkpoints().size(), file);
            return 0;
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return VerifyCommand.CANNOT_CHECK;
        } catch (IOException | SQLException | RuntimeException e) {
            out.println("cannot export the trail: " + e.getMessage());
            return VerifyCommand.CANNOT_CHECK;
        }
    }
}
