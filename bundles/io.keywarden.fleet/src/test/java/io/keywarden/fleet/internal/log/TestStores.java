package io.keywarden.fleet.internal.log;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.JdbcDrivers;
import io.keywarden.testing.postgres.PostgresServer;

/**
 * The issuance log store on each database it runs on, for tests that must pass on both: embedded H2 (a file in the
 * test's directory) and a real PostgreSQL (Debian's, started once per test class by the harness; skipped locally
 * when it is not installed, a failure in CI). A fresh, empty database per call; {@link #close} closes them all.
 */
public final class TestStores implements AutoCloseable {
    public enum Kind {
        H2,
        POSTGRESQL
    }

    private static final AtomicInteger NAMES = new AtomicInteger();
    private final List<Database> opened = new ArrayList<>();
    private PostgresServer postgres;

    /** A new empty database of that kind. */
    public synchronized Database database(Kind kind, Path dir) {
        return open(url(kind, dir));
    }

    /** The URL of a new empty database of that kind, for several {@link #open}s: authority instances sharing it. */
    public synchronized String url(Kind kind, Path dir) {
        String name = "fleet" + NAMES.incrementAndGet();
        return kind == Kind.H2
                ? "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath()
                : postgres().createDatabase(name);
    }

    /** A database (with a pool of its own) on the database at {@code url}. */
    public synchronized Database open(String url) {
        Database db = url.startsWith("jdbc:h2:")
                ? Database.open(url, JdbcDrivers.connectionSource(url, "sa", ""))
                : Database.open(
                        url,
                        JdbcDrivers.connectionSource(
                                url, PostgresServer.USER, postgres().password()));
        opened.add(db);
        return db;
    }

    /** A store on a new empty database of that kind. */
    public JdbcLogStore store(Kind kind, Path dir) {
        try {
            return new JdbcLogStore(database(kind, dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PostgreSQL server, to restart it under a running store. */
    public synchronized PostgresServer postgres() {
        if (postgres == null) {
            assumeTrue(PostgresServer.availableOrFailInCi(), "PostgreSQL is not installed: skipped locally");
            postgres = PostgresServer.start();
        }
        return postgres;
    }

    @Override
    public synchronized void close() {
        opened.forEach(Database::close);
        opened.clear();
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
