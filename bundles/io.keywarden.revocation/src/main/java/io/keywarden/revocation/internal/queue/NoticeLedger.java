package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.keywarden.support.jdbc.Database;

/**
 * Which accepted tickets' revocation notices the broker has acknowledged, in the database the authority instances
 * share ({@code revocation_ticket.notice_published}): so a notice goes out once per accepted revocation, whichever
 * instance accepted it. The instance holding a ticket publishes its notice (the fleet component, on the revocation
 * component's ACCEPTED event); when that instance dies before the broker acknowledged it, the notice waits in the
 * dead instance's outbox, and another instance takes the duty over once the holder's lease expired: an unsettled
 * ticket with the ticket ({@link TicketClaims}), a settled one here ({@link #adoptOrphans}).
 */
public final class NoticeLedger {
    /** Orphaned notices taken over per sweep: a backlog is worked off over several sweeps, never held at once. */
    static final int MAX_PER_SWEEP = 500;

    private final Database db;
    private final String owner;
    private final Duration lease;
    private final Clock clock;

    public NoticeLedger(Database db, String owner, Duration lease, Clock clock) {
        this.db = requireNonNull(db, "db");
        this.owner = requireNonNull(owner, "owner");
        this.lease = requireNonNull(lease, "lease");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The broker acknowledged the ticket's notice: no instance publishes it again. */
    public void published(String ticketId) throws SQLException {
        db.inTransactionDo(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE revocation_ticket SET notice_published = TRUE WHERE id = ?")) {
                ps.setString(1, ticketId);
                ps.executeUpdate();
            }
        });
    }

    /** Whether the ticket's notice was acknowledged by the broker (false also for an unknown ticket). */
    public boolean isPublished(String ticketId) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT notice_published FROM revocation_ticket WHERE id = ?")) {
                ps.setString(1, ticketId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    /**
     * Takes over the notices of settled tickets whose holder's lease expired before the broker acknowledged them
     * (the holder died, or stayed cut off from the broker for longer than a lease), each with a conditional UPDATE
     * so two instances never take the same one; returns the ids this instance now publishes. A ticket this instance
     * holds is never taken from itself: a single instance has no one to take over from.
     */
    public List<String> adoptOrphans() throws SQLException {
        long now = clock.millis();
        List<String> candidates = db.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM revocation_ticket"
                    + " WHERE notice_published = FALSE AND settled = TRUE AND lease_until < ?"
                    + " AND (owner IS NULL OR owner <> ?) ORDER BY submitted_at")) {
                ps.setLong(1, now);
                ps.setString(2, owner);
                ps.setMaxRows(MAX_PER_SWEEP);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        List<String> taken = new ArrayList<>();
        for (String id : candidates) {
            boolean mine = db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE revocation_ticket SET owner = ?, lease_until = ?"
                        + " WHERE id = ? AND notice_published = FALSE AND lease_until < ?")) {
                    ps.setString(1, owner);
                    ps.setLong(2, now + lease.toMillis());
                    ps.setString(3, id);
                    ps.setLong(4, now);
                    return ps.executeUpdate() == 1;
                }
            });
            if (mine) {
                taken.add(id);
            }
        }
        return taken;
    }
}
