package io.keywarden.support.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationsTest {
    private static final String FOLDER = "/io/keywarden/support/jdbc/schema/";
    private final TestDatabases databases = new TestDatabases();

    @TempDir
    Path dir;

    @AfterAll
    void stop() {
        databases.close();
    }

    private static Migrations both() {
        return Migrations.of("test", MigrationsTest.class, FOLDER, "V1__things.sql", "V2__more.sql");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void appliesInOrderOnceAndRecordsEachVersion(Dialect dialect) throws Exception {
        String url = databases.url(dialect, dir);
        try (Database db = databases.open(url)) {
            assertEquals(
                    1,
                    Migrations.of("test", getClass(), FOLDER, "V1__things.sql").apply(db));
            assertEquals(1, both().apply(db));
            assertEquals(0, both().apply(db));
            assertEquals(List.of(0, 1, 2), versions(db, "test"));
            // V2's literal holds a ';' that does not end a line: one statement, one row
            assertEquals("a; not the end", db.inTransaction(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT body FROM thing WHERE id = 'seed'")) {
                    rs.next();
                    return rs.getString(1);
                }
            }));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoInstancesStartingAtOnceApplyEachVersionOnce(Dialect dialect) throws Exception {
        String url = databases.url(dialect, dir);
        int instances = 4;
        CyclicBarrier together = new CyclicBarrier(instances);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        List<Database> dbs = new ArrayList<>();
        try {
            List<Future<Integer>> applied = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                Database db = databases.open(url);
                dbs.add(db);
                applied.add(pool.submit((Callable<Integer>) () -> {
                    together.await();
                    return both().apply(db);
                }));
            }
            int total = 0;
            for (Future<Integer> f : applied) {
                total += f.get();
            }
            assertEquals(2, total, "each version applied by exactly one instance");
            assertEquals(List.of(0, 1, 2), versions(dbs.get(0), "test"));
        } finally {
            pool.shutdownNow();
            dbs.forEach(Database::close);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void refusesASchemaNewerThanTheCode(Dialect dialect) throws Exception {
        String url = databases.url(dialect, dir);
        try (Database db = databases.open(url)) {
            both().apply(db);
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> Migrations.of("test", getClass(), FOLDER, "V1__things.sql")
                            .apply(db));
            assertTrue(e.getMessage().contains("newer"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aFailingScriptIsNotRecorded(Dialect dialect) throws Exception {
        String url = databases.url(dialect, dir);
        try (Database db = databases.open(url)) {
            both().apply(db);
            Migrations broken =
                    Migrations.of("test", getClass(), FOLDER, "V1__things.sql", "V2__more.sql", "V3__broken.sql");
            assertThrows(SQLException.class, () -> broken.apply(db));
            assertEquals(List.of(0, 1, 2), versions(db, "test"));
        }
    }

    @Test
    void namesMustCountFromOne() {
        assertThrows(IllegalArgumentException.class, () -> Migrations.of("x", getClass(), FOLDER, "V2__more.sql"));
        assertThrows(IllegalArgumentException.class, () -> Migrations.of("x", getClass(), FOLDER, "things.sql"));
    }

    @Test
    void splitsAtSemicolonsEndingALineAndDropsCommentLines() {
        assertEquals(
                List.of("CREATE TABLE a (x INT)", "INSERT INTO a VALUES (';')"),
                Migrations.split("-- comment; here\nCREATE TABLE a (x INT);\n\nINSERT INTO a VALUES (';');"));
    }

    private static List<Integer> versions(Database db, String component) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT version FROM keywarden_schema WHERE component = ? ORDER BY version")) {
                ps.setString(1, component);
                List<Integer> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getInt(1));
                    }
                }
                return out;
            }
        });
    }
}
