package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.revocation.internal.store.JdbcNonceStore;
import io.keywarden.support.jdbc.Database;

/**
 * Tickets in table {@code revocation_ticket}: the ticket as a JSON document plus its state and the claim. A claim is
 * a conditional UPDATE that succeeds when nobody holds the ticket, this instance does, or the holder's lease expired;
 * every save by the holder extends the lease, a save by an instance that lost the claim fails. So each ticket is
 * worked on by one instance at a time, and a dead instance's tickets are taken over one lease later.
 */
public final class JdbcTicketJournal implements TicketJournal {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTicketJournal.class);
    private static final String COLUMNS = "id, state, settled, submitted_at, body";

    private final Database db;
    private final String owner;
    private final Duration lease;
    private final Clock clock;
    private final ExecutionAudit executions;

    /**
     * @param owner this instance's id, recorded with each claim
     * @param lease how long a claim holds without a save; longer than the slowest CA call
     */
    public JdbcTicketJournal(Database db, String owner, Duration lease, Clock clock) {
        this.db = requireNonNull(db, "db");
        this.owner = requireNonNull(owner, "owner");
        this.lease = requireNonNull(lease, "lease");
        this.clock = requireNonNull(clock, "clock");
        this.executions = new ExecutionAudit(owner);
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public Optional<String> holder(String id) throws IOException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM revocation_ticket WHERE id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw new IOException("cannot read who holds ticket " + id + " in " + db.description() + ": " + e, e);
        }
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public void save(Ticket t) throws IOException {
        synchronized (t.saveLock) {
            saveLocked(t);
        }
    }

    private void saveLocked(Ticket t) throws IOException {
        String json = TicketCodec.toJson(t);
        String state;
        List<Ticket.Cert> executed;
        synchronized (t) {
            state = t.state.name();
            executed = t.certs.stream()
                    .filter(x -> x.state == CertificateRevocation.State.REVOKED && !x.executionRecorded)
                    .toList();
        }
        boolean settled = t.state().isSettled();
        try {
            db.inTransactionDo(c -> {
                long now = clock.millis();
                if (update(c, t.id, state, settled, json, now) == 0 && !insert(c, t, state, settled, json, now)) {
                    throw new SQLException(new LostClaimException(
                            "ticket " + t.id + " is held by another instance: this one stops working on it"));
                }
                executions.record(c, t.id, executed, now);
            });
            synchronized (t) {
                executed.forEach(x -> x.executionRecorded = true);
            }
        } catch (SQLException e) {
            if (e.getCause() instanceof LostClaimException lost) {
                throw lost;
            }
            throw new IOException("cannot record ticket " + t.id + " in " + db.description() + ": " + e, e);
        }
    }

    // held by us, or unsettled and held by nobody or on an expired lease: a save takes the claim too
    private int update(Connection c, String id, String state, boolean settled, String json, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE revocation_ticket SET state = ?, settled = ?, body = ?,"
                + " updated_at = ?, owner = ?, lease_until = ? WHERE id = ?"
                + " AND (owner = ? OR (settled = FALSE AND (owner IS NULL OR lease_until < ?)))")) {
            ps.setString(1, state);
            ps.setBoolean(2, settled);
            ps.setString(3, json);
            ps.setLong(4, now);
            ps.setString(5, owner);
            ps.setLong(6, now + lease.toMillis());
            ps.setString(7, id);
            ps.setString(8, owner);
            ps.setLong(9, now);
            return ps.executeUpdate();
        }
    }

    // false: the ticket exists and another instance holds it
    private boolean insert(Connection c, Ticket t, String state, boolean settled, String json, long now)
            throws SQLException {
        if (exists(c, t.id)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO revocation_ticket (id, state, settled,"
                + " submitted_at, updated_at, owner, lease_until, body) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)")) {
            ps.setString(1, t.id);
            ps.setString(2, state);
            ps.setBoolean(3, settled);
            ps.setLong(4, t.submittedAt.toEpochMilli());
            ps.setLong(5, now);
            ps.setString(6, json);
            ps.executeUpdate();
        }
        if (t.request != null) { // in this transaction: a resent copy of the request is a replay from now on
            JdbcNonceStore.markTicketed(c, t.request.getRequester(), t.request.getNonce(), t.id);
        }
        return true;
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM revocation_ticket WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public Claim claim(Ticket t) throws IOException {
        try {
            return db.inTransaction(c -> {
                long now = clock.millis();
                int taken;
                try (PreparedStatement ps = c.prepareStatement("UPDATE revocation_ticket SET owner = ?,"
                        + " lease_until = ? WHERE id = ? AND settled = FALSE"
                        + " AND (owner IS NULL OR owner = ? OR lease_until < ?)")) {
                    ps.setString(1, owner);
                    ps.setLong(2, now + lease.toMillis());
                    ps.setString(3, t.id);
                    ps.setString(4, owner);
                    ps.setLong(5, now);
                    taken = ps.executeUpdate();
                }
                Optional<Ticket> stored =
                        select(c, "WHERE id = ?", t.id).stream().findFirst();
                if (stored.isEmpty()) {
                    throw new SQLException("ticket " + t.id + " is not in " + db.description(), "02000");
                }
                if (stored.get().state().isSettled()) {
                    t.adopt(stored.get());
                    return Claim.SETTLED;
                }
                if (taken == 0) {
                    return Claim.HELD_ELSEWHERE;
                }
                t.adopt(stored.get());
                return Claim.CLAIMED;
            });
        } catch (SQLException e) {
            throw new IOException("cannot claim ticket " + t.id + " in " + db.description() + ": " + e, e);
        }
    }

    @Override
    public void releaseClaims() throws IOException {
        try {
            db.inTransactionDo(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE revocation_ticket SET owner = NULL,"
                        + " lease_until = NULL, updated_at = ? WHERE owner = ? AND settled = FALSE")) {
                    ps.setLong(1, clock.millis());
                    ps.setString(2, owner);
                    ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new IOException("cannot release the claims of " + owner + ": " + e, e);
        }
    }

    @Override
    public List<Ticket> loadUnsettled() throws IOException {
        return query("WHERE settled = FALSE ORDER BY submitted_at", null);
    }

    @Override
    public List<Ticket> loadAll() throws IOException {
        return query("ORDER BY submitted_at", null);
    }

    @Override
    public Optional<Ticket> load(String id) throws IOException {
        return query("WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public List<String> claimable() throws IOException {
        try {
            return db.inTransaction(c -> {
                // never claimed for a lease's time (its instance died between accepting and claiming) or expired
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM revocation_ticket WHERE settled = FALSE"
                        + " AND ((owner IS NULL AND updated_at < ?) OR lease_until < ?) ORDER BY submitted_at")) {
                    long now = clock.millis();
                    ps.setLong(1, now - lease.toMillis());
                    ps.setLong(2, now);
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw new IOException("cannot list claimable tickets in " + db.description() + ": " + e, e);
        }
    }

    private List<Ticket> query(String where, String arg) throws IOException {
        try {
            return db.inTransaction(c -> select(c, where, arg));
        } catch (SQLException e) {
            throw new IOException("cannot read tickets from " + db.description() + ": " + e, e);
        }
    }

    private static List<Ticket> select(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM revocation_ticket " + where)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            List<Ticket> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(TicketCodec.fromJson(rs.getString("body")));
                    } catch (JoseException | RuntimeException e) {
                        // only this code writes the column: an unreadable document was tampered with
                        LOG.error("Unreadable ticket {} left aside: {}", rs.getString("id"), e.toString());
                    }
                }
            }
            return out;
        }
    }
}
