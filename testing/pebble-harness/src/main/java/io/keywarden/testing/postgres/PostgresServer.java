package io.keywarden.testing.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.pebble.Processes;

/**
 * A real PostgreSQL server (Debian package {@code postgresql}) on a free loopback port with a throwaway data
 * directory, a user {@code keywarden} with a password (scram-sha-256, so the JDBC password path is exercised) and a
 * database {@code keywarden}. It can be restarted (fast shutdown, same port and data) or crashed (immediate
 * shutdown), and {@link #close()} stops it and deletes the data.
 *
 * <p>initdb and postgres refuse to run as root: as root (CI) they run as the {@code postgres} system user, which
 * the Debian package creates, in a data directory under the system temporary directory that user owns.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "keywarden";
    public static final String DATABASE = "keywarden";
    private static final String PASSWORD = "keywarden-test-password";
    private static final long START_SECONDS = 60;

    private final Path bin;
    private final Path home;
    private final int port;
    private final boolean asPostgresUser;
    private Process process;

    private PostgresServer(Path bin, Path home, int port) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
    }

    /** Why PostgreSQL cannot be started here (not installed), or empty when it can. */
    public static Optional<String> unavailable() {
        return findBin().isPresent()
                ? Optional.empty()
                : Optional.of("PostgreSQL is not installed (apt-get install -y postgresql): no "
                        + "/usr/lib/postgresql/<version>/bin/postgres");
    }

    /**
     * For a test's assumption: true when PostgreSQL can be started; false locally when it cannot (the test is
     * skipped); in CI ({@code CI=true}) a missing PostgreSQL throws, so the test fails instead of being skipped.
     */
    public static boolean availableOrFailInCi() {
        Optional<String> why = unavailable();
        if (why.isPresent() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and " + why.get());
        }
        return why.isEmpty();
    }

    /** Initialises a data directory and starts the server; the caller closes it. */
    public static PostgresServer start() {
        Path bin = findBin()
                .orElseThrow(() -> new IllegalStateException(unavailable().orElseThrow()));
        Path home;
        try {
            home = Files.createTempDirectory("keywarden-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL directory", e);
        }
        PostgresServer server = new PostgresServer(bin, home, FreePorts.find());
        try {
            server.initdb();
            server.startServer();
            server.run(List.of(
                    bin.resolve("createdb").toString(),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    "" + server.port,
                    "-U",
                    USER,
                    DATABASE));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return port;
    }

    /** Another empty database on this server, for a test that needs a schema of its own; returns its JDBC URL. */
    public String createDatabase(String name) {
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", "" + port, "-U", USER, name));
        return jdbcUrl(name);
    }

    /** Fast shutdown (clients get 57P01 and lose their connections), then the same server again on the same port. */
    public synchronized void restart() {
        stop("fast");
        startServer();
    }

    /** Stops the server as a crash would (immediate shutdown, no checkpoint); {@link #startAgain()} recovers it. */
    public synchronized void crash() {
        stop("immediate");
    }

    /** Fast shutdown; {@link #startAgain()} brings it back. */
    public synchronized void stop() {
        stop("fast");
    }

    public synchronized void startAgain() {
        startServer();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        stop("fast");
        deleteTree(home);
    }

    private void initdb() {
        try {
            Path data = data();
            Files.createDirectories(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            Path pw = home.resolve("pwfile");
            Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
            if (asPostgresUser) {
                run(List.of("chown", "-R", "postgres:postgres", home.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + home, e);
        }
        run(asUser(List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data().toString(),
                "-U",
                USER,
                "--pwfile=" + home.resolve("pwfile"),
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync")));
    }

    private void startServer() {
        if (process != null && process.isAlive()) {
            return;
        }
        // fsync off: a throwaway server; a crash of the process (not of the machine) still loses nothing committed
        process = Processes.start(
                asUser(List.of(
                        bin.resolve("postgres").toString(),
                        "-D",
                        data().toString(),
                        "-p",
                        "" + port,
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "unix_socket_directories=" + home,
                        "-c",
                        "fsync=off",
                        "-c",
                        "max_connections=100")),
                Map.of(),
                home,
                log());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String tail = Processes.tail(log(), 30);
                Processes.destroy(process);
                process = null;
                throw new IllegalStateException("PostgreSQL did not start on 127.0.0.1:" + port + "; log:\n" + tail);
            }
            sleep(50);
        }
    }

    private boolean ready() {
        return exec(List.of(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p", "" + port)) == 0;
    }

    private void stop(String mode) {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            exec(asUser(List.of(
                    bin.resolve("pg_ctl").toString(), "stop", "-D", data().toString(), "-m", mode, "-w", "-t", "30")));
        }
        Processes.destroy(process);
        process = null;
    }

    private List<String> asUser(List<String> command) {
        if (!asPostgresUser) {
            return command;
        }
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(command);
        return all;
    }

    private void run(List<String> command) {
        int rc = exec(command);
        if (rc != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed (exit " + rc + "); log:\n" + Processes.tail(log(), 30));
        }
    }

    private int exec(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().put("PGPASSWORD", PASSWORD);
        try {
            Process p = pb.start();
            if (!p.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }

    private Path data() {
        return home.resolve("data");
    }

    /** The server's log (and the tools' output). */
    public Path log() {
        return home.resolve("postgres.log");
    }

    private static Optional<Path> findBin() {
        String configured = System.getProperty("keywarden.postgres.bin");
        if (configured != null) {
            return Optional.of(Path.of(configured)).filter(p -> Files.isExecutable(p.resolve("postgres")));
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(PostgresServer::major));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is no test failure
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
        }
    }
}
