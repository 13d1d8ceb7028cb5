package io.keywarden.revocation.internal.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.SqlStates;

/**
 * Nonces in table {@code revocation_nonce}, primary key (requester, nonce): of two instances receiving the same request
 * at once, the database lets one insert win and the other sees a replay. A nonce older than the window may be used
 * again (its row is taken over by a conditional UPDATE); rows out of the window are deleted every few hundred uses.
 */
public final class JdbcNonceStore implements NonceStore {
    private static final int PURGE_EVERY = 500;

    private final Database db;
    private final Duration window;
    private final AtomicInteger sincePurge = new AtomicInteger();

    public JdbcNonceStore(Database db, Duration window) {
        this.db = requireNonNull(db, "db");
        this.window = requireNonNull(window, "window");
    }

    @Override
    public boolean firstUse(String requester, String nonce, Instant now) throws IOException {
        long at = now.toEpochMilli();
        long oldest = now.minus(window).toEpochMilli();
        try {
            if (sincePurge.incrementAndGet() >= PURGE_EVERY) {
                sincePurge.set(0);
                db.inTransactionDo(c -> purge(c, oldest));
            }
            try {
                db.inTransactionDo(c -> insert(c, requester, nonce, at));
                return true;
            } catch (SQLException e) {
                if (!SqlStates.isUniqueViolation(e)) {
                    throw e;
                }
            }
            // seen before: a first use again only if that was outside the window (one instance wins the update)
            return db.inTransaction(c -> renew(c, requester, nonce, at, oldest)) == 1;
        } catch (SQLException e) {
            throw new IOException("cannot record the nonce in " + db.description() + ": " + e, e);
        }
    }

    private static void insert(Connection c, String requester, String nonce, long at) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO revocation_nonce (requester, nonce, seen_at) VALUES (?, ?, ?)")) {
            ps.setString(1, requester);
            ps.setString(2, nonce);
            ps.setLong(3, at);
            ps.executeUpdate();
        }
    }

    private static int renew(Connection c, String requester, String nonce, long at, long oldest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE revocation_nonce SET seen_at = ? WHERE requester = ? AND nonce = ? AND seen_at <= ?")) {
            ps.setLong(1, at);
            ps.setString(2, requester);
            ps.setString(3, nonce);
            ps.setLong(4, oldest);
            return ps.executeUpdate();
        }
    }

    private static void purge(Connection c, long oldest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM revocation_nonce WHERE seen_at <= ?")) {
            ps.setLong(1, oldest);
            ps.executeUpdate();
        }
    }
}
