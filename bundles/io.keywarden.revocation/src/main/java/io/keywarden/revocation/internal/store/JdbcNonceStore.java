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
 * Each row also keeps the request's SHA-256 and, once journaled in the ticket's own transaction
 * ({@link #markTicketed}), the ticket's id: the same request resent at least {@code resubmitAfter} later with no ticket
 * is {@link Use#RESUBMITTED}, not a replay.
 */
public final class JdbcNonceStore implements NonceStore {
    private static final int PURGE_EVERY = 500;

    private final Database db;
    private final Duration window;
    private final Duration resubmitAfter;
    private final AtomicInteger sincePurge = new AtomicInteger();

    public JdbcNonceStore(Database db, Duration window, Duration resubmitAfter) {
        this.db = requireNonNull(db, "db");
        this.window = requireNonNull(window, "window");
        this.resubmitAfter = requireNonNull(resubmitAfter, "resubmitAfter");
    }

    @Override
    public Use use(String requester, String nonce, String requestSha256, Instant now) throws IOException {
        long at = now.toEpochMilli();
        long oldest = now.minus(window).toEpochMilli();
        try {
            if (sincePurge.incrementAndGet() >= PURGE_EVERY) {
                sincePurge.set(0);
                db.inTransactionDo(c -> purge(c, oldest));
            }
            try {
                db.inTransactionDo(c -> insert(c, requester, nonce, requestSha256, at));
                return Use.FIRST;
            } catch (SQLException e) {
                if (!SqlStates.isUniqueViolation(e)) {
                    throw e;
                }
            }
            // seen before: a first use again only if that was outside the window (one instance wins the update)
            if (db.inTransaction(c -> renew(c, requester, nonce, requestSha256, at, oldest)) == 1) {
                return Use.FIRST;
            }
            if (requestSha256 == null) {
                return Use.REPLAY;
            }
            long before = now.minus(resubmitAfter).toEpochMilli();
            return db.inTransaction(c -> resubmitted(c, requester, nonce, requestSha256, at, before)) == 1
                    ? Use.RESUBMITTED
                    : Use.REPLAY;
        } catch (SQLException e) {
            throw new IOException("cannot record the nonce in " + db.description() + ": " + e, e);
        }
    }

    /** In the transaction that journals the ticket: the request's nonce now has a ticket (no resubmission). */
    public static void markTicketed(Connection c, String requester, String nonce, String ticketId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE revocation_nonce SET ticket_id = ? WHERE requester = ? AND nonce = ?")) {
            ps.setString(1, ticketId);
            ps.setString(2, requester);
            ps.setString(3, nonce);
            ps.executeUpdate();
        }
    }

    private static void insert(Connection c, String requester, String nonce, String sha256, long at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO revocation_nonce (requester, nonce, seen_at, request_sha256) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, requester);
            ps.setString(2, nonce);
            ps.setLong(3, at);
            ps.setString(4, sha256);
            ps.executeUpdate();
        }
    }

    private static int renew(Connection c, String requester, String nonce, String sha256, long at, long oldest)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE revocation_nonce SET seen_at = ?, request_sha256 = ?,"
                + " ticket_id = NULL WHERE requester = ? AND nonce = ? AND seen_at <= ?")) {
            ps.setLong(1, at);
            ps.setString(2, sha256);
            ps.setString(3, requester);
            ps.setString(4, nonce);
            ps.setLong(5, oldest);
            return ps.executeUpdate();
        }
    }

    // the same request, no ticket journaled for it, recorded at least resubmitAfter ago: one instance wins the update
    private static int resubmitted(Connection c, String requester, String nonce, String sha256, long at, long before)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE revocation_nonce SET seen_at = ? WHERE requester = ?"
                + " AND nonce = ? AND request_sha256 = ? AND ticket_id IS NULL AND seen_at <= ?")) {
            ps.setLong(1, at);
            ps.setString(2, requester);
            ps.setString(3, nonce);
            ps.setString(4, sha256);
            ps.setLong(5, before);
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
