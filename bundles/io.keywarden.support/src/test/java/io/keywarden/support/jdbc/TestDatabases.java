package io.keywarden.support.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.keywarden.testing.postgres.PostgresServer;

/** H2 and PostgreSQL for a parameterized test: a fresh, empty database per call; one PostgreSQL per test class. */
final class TestDatabases implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private PostgresServer postgres;

    /** A new empty database's URL; PostgreSQL is skipped locally when not installed and fails in CI. */
    String url(Dialect dialect, Path dir) {
        String name = "db" + NAMES.incrementAndGet();
        if (dialect == Dialect.H2) {
            return "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath();
        }
        return postgres().createDatabase(name);
    }

    Database open(String url) {
        return Database.open(url, JdbcDrivers.connectionSource(url, user(url), password(url)));
    }

    String user(String url) {
        return Dialect.of(url) == Dialect.H2 ? "sa" : PostgresServer.USER;
    }

    String password(String url) {
        return Dialect.of(url) == Dialect.H2 ? "" : postgres().password();
    }

    synchronized PostgresServer postgres() {
        if (postgres == null) {
            assumeTrue(PostgresServer.availableOrFailInCi(), "PostgreSQL not installed: skipped locally");
            postgres = PostgresServer.start();
        }
        return postgres;
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
