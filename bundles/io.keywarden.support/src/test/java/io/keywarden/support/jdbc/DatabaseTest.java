package io.keywarden.support.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.postgres.PostgresServer;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseTest {
    private static final Backoff QUICK =
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), new SplittableRandom());
    private final TestDatabases databases = new TestDatabases();

    @TempDir
    Path dir;

    @AfterAll
    void stop() {
        databases.close();
    }

    private Database open(Dialect dialect, int poolSize) {
        String url = databases.url(dialect, dir);
        return Database.open(
                url,
                JdbcDrivers.connectionSource(url, databases.user(url), databases.password(url)),
                poolSize,
                5,
                QUICK);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void commitsWorkAndRollsBackFailedWork(Dialect dialect) throws Exception {
        try (Database db = open(dialect, 2)) {
            assertEquals(dialect, db.dialect());
            db.inTransactionDo(c -> exec(c, "CREATE TABLE t (k VARCHAR(10) PRIMARY KEY)"));
            db.inTransactionDo(c -> exec(c, "INSERT INTO t VALUES ('a')"));
            assertThrows(
                    IllegalStateException.class,
                    () -> db.inTransactionDo(c -> {
                        exec(c, "INSERT INTO t VALUES ('b')");
                        throw new IllegalStateException("work failed after its insert");
                    }));
            SQLException dup = assertThrows(
                    SQLException.class,
                    () -> db.inTransactionDo(c -> {
                        exec(c, "INSERT INTO t VALUES ('c')");
                        exec(c, "INSERT INTO t VALUES ('a')");
                    }));
            assertTrue(SqlStates.isUniqueViolation(dup), dup.toString());
            assertEquals(1, count(db, "t"));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void retriesASerializationFailureAndGivesUpOnOtherErrors(Dialect dialect) throws Exception {
        try (Database db = open(dialect, 1)) {
            AtomicInteger runs = new AtomicInteger();
            assertEquals("done", db.inTransaction(c -> {
                if (runs.incrementAndGet() < 3) {
                    throw new SQLException("could not serialize access", "40001");
                }
                return "done";
            }));
            assertEquals(3, runs.get());

            runs.set(0);
            assertThrows(
                    SQLException.class,
                    () -> db.inTransactionDo(c -> {
                        runs.incrementAndGet();
                        throw new SQLException("syntax", "42601");
                    }));
            assertEquals(1, runs.get());

            runs.set(0);
            SQLException last = assertThrows(
                    SQLException.class,
                    () -> db.inTransactionDo(c -> {
                        runs.incrementAndGet();
                        throw new SQLException("deadlock", "40P01");
                    }));
            assertEquals(5, runs.get(), "bounded: as many runs as attempts");
            assertEquals("40P01", last.getSQLState());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aConnectionLostInTheMiddleIsReplacedByAFreshOne(Dialect dialect) throws Exception {
        try (Database db = open(dialect, 1)) {
            java.sql.Connection first = db.inTransaction(c -> c);
            AtomicInteger runs = new AtomicInteger();
            java.sql.Connection second = db.inTransaction(c -> {
                if (runs.incrementAndGet() == 1) {
                    c.close();
                    throw new SQLException("connection lost", "08006");
                }
                return c;
            });
            assertEquals(2, runs.get());
            assertFalse(second.isClosed());
            assertTrue(first.isClosed());
            assertSame(second, db.inTransaction(c -> c), "a working connection is kept");
        }
    }

    @Test
    void reconnectsByItselfAfterPostgresRestarts() throws Exception {
        try (Database db = open(Dialect.POSTGRESQL, 2)) {
            db.inTransactionDo(c -> exec(c, "CREATE TABLE t (k VARCHAR(10) PRIMARY KEY)"));
            db.inTransactionDo(c -> exec(c, "INSERT INTO t VALUES ('before')"));
            PostgresServer pg = databases.postgres();
            pg.restart();
            // the pooled connection was closed by the restart (57P01 / 08006): the transaction runs on a new one
            db.inTransactionDo(c -> exec(c, "INSERT INTO t VALUES ('after')"));
            assertEquals(2, count(db, "t"));
        }
    }

    @Test
    void refusesOtherDatabases() {
        assertThrows(IllegalArgumentException.class, () -> Dialect.of("jdbc:mysql://localhost/x"));
        assertEquals("jdbc:postgresql://h/db", Dialect.redact("jdbc:postgresql://h/db?password=secret"));
        assertEquals("jdbc:h2:file:/x", Dialect.redact("jdbc:h2:file:/x;PASSWORD=secret"));
    }

    private static void exec(java.sql.Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int count(Database db, String table) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
