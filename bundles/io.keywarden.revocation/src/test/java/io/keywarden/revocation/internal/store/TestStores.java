package io.keywarden.revocation.internal.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.keywarden.revocation.internal.queue.JdbcTicketJournal;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.Dialect;
import io.keywarden.support.jdbc.JdbcDrivers;
import io.keywarden.testing.postgres.PostgresServer;

/**
 * A migrated revocation database for a test: H2 in a temporary directory, or a fresh database on one PostgreSQL
 * server shared by the test JVM (started on first use, stopped at exit). {@link #open()} gives another
 * {@link Database} on the same data: another "instance", or the same one after a restart.
 */
public final class TestStores implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static PostgresServer postgres;

    private final String url;
    private final String user;
    private final String password;
    private final Database db;

    private TestStores(String url, String user, String password) throws Exception {
        this.url = url;
        this.user = user;
        this.password = password;
        this.db = open();
    }

    public static TestStores h2(Path dir) throws Exception {
        return new TestStores(
                "jdbc:h2:file:"
                        + dir.resolve("revocation-" + NAMES.incrementAndGet()).toAbsolutePath() + ";WRITE_DELAY=0",
                "",
                "");
    }

    /** A fresh database on the shared server; skipped locally when PostgreSQL is not installed, fails in CI. */
    public static TestStores postgres() throws Exception {
        PostgresServer pg = server();
        return new TestStores(pg.createDatabase("revocation" + NAMES.incrementAndGet()), pg.user(), pg.password());
    }

    public static TestStores of(Dialect dialect, Path dir) throws Exception {
        return dialect == Dialect.H2 ? h2(dir) : postgres();
    }

    public static synchronized PostgresServer server() {
        if (postgres == null) {
            assumeTrue(PostgresServer.availableOrFailInCi(), "PostgreSQL is not installed: skipped locally");
            PostgresServer started = PostgresServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-postgres-stop"));
            postgres = started;
        }
        return postgres;
    }

    /** Another connection pool on the same data, with the schema applied (a no-op after the first). */
    public Database open() throws Exception {
        Database d =
                Database.open(url, JdbcDrivers.connectionSource(url, user, password), 4, 10, Database.defaultBackoff());
        RevocationDatabase.SCHEMA.apply(d);
        return d;
    }

    public Database db() {
        return db;
    }

    public Dialect dialect() {
        return db.dialect();
    }

    public JdbcTicketJournal journal(String owner, Duration lease, Clock clock) {
        return new JdbcTicketJournal(db, owner, lease, clock);
    }

    public JdbcNonceStore nonces(Duration window) {
        return new JdbcNonceStore(db, window, Duration.ofSeconds(30));
    }

    public JdbcDenyList denyList() {
        return new JdbcDenyList(db, Clock.systemUTC());
    }

    public JdbcReleaseStore releases() {
        return new JdbcReleaseStore(db);
    }

    public int rows(String table) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }
}
