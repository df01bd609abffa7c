import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Target;

/**
 * Generates Vigil's jOOQ classes from the Flyway migrations: starts an embedded PostgreSQL, migrates
 * it, and runs jOOQ's codegen against the result. Runs during the build (see db/pom.xml).
 *
 * <p>Arguments: this script, the migrations directory, the output directory, a scratch directory for PostgreSQL.
 * Skips everything when the migrations and this script hash to what the last run recorded, which
 * keeps warm builds fast.
 */
class JooqCodegen {

    static final String PACKAGE = "io.vigil.db.jooq";

    public static void main(String[] args) throws Exception {
        Path script = Path.of(args[0]);
        Path migrations = Path.of(args[1]);
        Path output = Path.of(args[2]);
        Path scratch = Path.of(args[3]);
        Path stamp = output.resolve(".migrations.sha256");
        String hash = hashOf(migrations, script);
        if (Files.exists(stamp) && Files.readString(stamp).equals(hash)) {
            System.out.println("jOOQ classes are up to date with the migrations");
            return;
        }
        deleteRecursively(output);
        deleteRecursively(scratch);
        Files.createDirectories(scratch);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(scratch.toFile())
                .setDataDirectory(scratch.resolve("data"))
                .start()) {
            Flyway.configure()
                    .dataSource(pg.getPostgresDatabase())
                    .schemas("vigil")
                    .locations("filesystem:" + migrations)
                    .load()
                    .migrate();
            GenerationTool.generate(configuration(pg.getJdbcUrl("postgres", "postgres"), output));
        }
        Files.writeString(stamp, hash);
    }

    static Configuration configuration(String url, Path output) {
        return new Configuration()
                .withJdbc(new Jdbc().withUrl(url).withUser("postgres"))
                .withGenerator(new Generator()
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.postgres.PostgresDatabase")
                                .withInputSchema("vigil")
                                .withOutputSchemaToDefault(false)
                                // Partitions are storage details: code talks to the parent table.
                                .withExcludes(
                                        "flyway_schema_history|statement_default|statement_\\d{4}_\\d{2}|qrtz_.*"))
                        .withGenerate(new Generate()
                                .withJavaTimeTypes(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withRoutines(false))
                        .withTarget(new Target().withPackageName(PACKAGE).withDirectory(output.toString())));
    }

    static String hashOf(Path migrations, Path script) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> s = Files.list(migrations)) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(f));
        }
        sha.update(Files.readAllBytes(script));
        return HexFormat.of().formatHex(sha.digest());
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
