package io.keywarden.fleet.internal.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.Migrations;
import io.keywarden.support.jdbc.SqlStates;

/**
 * {@link LogStore} in a JDBC database (H2 embedded by default, PostgreSQL for a shared authority): tables
 * {@code fleet_log_head} and {@code fleet_log_entry}, created by the scripts in {@code /io/keywarden/fleet/db/}. A
 * gateway's head row is its log's lock: {@link #judgeAndAppend} reads it {@code FOR UPDATE} (H2 and PostgreSQL both
 * hold such a row lock until the transaction ends), so the batches of one gateway are judged one at a time across
 * every instance sharing the database. An append moves the head only from the head it extends, so a writer that does
 * not hold the lock (a retried transaction whose commit did get through) fails instead of forking the log; the unique
 * serial keeps a certificate in one log. Records are read back from the stored message, which was verified
 * when it arrived; nothing is cached.
 */
public final class JdbcLogStore implements LogStore {
    /** The component name in {@code keywarden_schema}. */
    public static final String COMPONENT = "fleet";

    static final Migrations MIGRATIONS = Migrations.of(
            COMPONENT,
            JdbcLogStore.class,
            "/io/keywarden/fleet/db/",
            "V1__issuance_logs.sql",
            "V2__frozen_gateways.sql");

    private static final String COLUMNS = "seq, hash, received_at, jws";

    private final Database db;

    /** Brings the schema up to date, then serves it. */
    public JdbcLogStore(Database db) throws IOException {
        this.db = db;
        try {
            MIGRATIONS.apply(db);
        } catch (SQLException e) {
            throw failed("preparing the issuance log tables", e);
        }
    }

    @Override
    public Set<String> gateways() throws IOException {
        return strings(
                "listing the gateways", "SELECT gateway_id FROM fleet_log_head WHERE seq > 0 ORDER BY gateway_id");
    }

    @Override
    public Head head(String gatewayId) throws IOException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s =
                        c.prepareStatement("SELECT seq, hash FROM fleet_log_head WHERE gateway_id = ?")) {
                    s.setString(1, gatewayId);
                    try (ResultSet r = s.executeQuery()) {
                        return r.next() ? new Head(r.getLong(1), r.getString(2)) : Head.EMPTY;
                    }
                }
            });
        } catch (SQLException e) {
            throw failed("reading the head of " + gatewayId, e);
        }
    }

    @Override
    public Optional<String> hashAt(String gatewayId, long seq) throws IOException {
        if (seq == 0) {
            return Optional.of(IssuanceEvent.GENESIS);
        }
        Set<String> out = strings(
                "reading entry " + seq + " of " + gatewayId,
                "SELECT hash FROM fleet_log_entry WHERE gateway_id = ? AND seq = ?",
                gatewayId,
                seq);
        return out.stream().findFirst();
    }

    @Override
    public void append(String gatewayId, List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        try {
            db.inTransactionDo(c -> {
                LogHeads.moveHead(c, gatewayId, entries.get(0).seq() - 1, entries.get(entries.size() - 1));
                LogHeads.insert(c, gatewayId, entries);
            });
        } catch (SQLException e) {
            throw failed(
                    "storing entries " + entries.get(0).seq() + " to "
                            + entries.get(entries.size() - 1).seq() + " of " + gatewayId,
                    e);
        }
    }

    @Override
    public void judgeAndAppend(String gatewayId, Judge judge) throws IOException {
        try {
            // a gateway's first message finds no row to lock: make one (seq 0, the genesis), then lock it
            if (!db.inTransaction(c -> LogHeads.judgeLocked(c, gatewayId, judge))) {
                LogHeads.addHead(db, gatewayId);
                if (!db.inTransaction(c -> LogHeads.judgeLocked(c, gatewayId, judge))) {
                    throw new SQLException("the head row of " + gatewayId + " vanished");
                }
            }
        } catch (LogHeads.JudgeFailed e) {
            throw e.getCause();
        } catch (SQLException e) {
            throw failed("judging and storing entries of " + gatewayId, e);
        }
    }

    @Override
    public Map<Long, String> hashes(String gatewayId, long from, long to) throws IOException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT seq, hash FROM fleet_log_entry WHERE gateway_id = ? AND seq BETWEEN ? AND ?")) {
                    s.setString(1, gatewayId);
                    s.setLong(2, from);
                    s.setLong(3, to);
                    Map<Long, String> out = new HashMap<>();
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            out.put(r.getLong(1), r.getString(2));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw failed("reading entries " + from + " to " + to + " of " + gatewayId, e);
        }
    }

    @Override
    public List<CertificateRecord> records(String gatewayId) throws IOException {
        return records(gatewayId, "SELECT " + COLUMNS + " FROM fleet_log_entry WHERE gateway_id = ? ORDER BY seq");
    }

    @Override
    public List<CertificateRecord> recordsOfDevice(String gatewayId, String deviceId) throws IOException {
        return records(
                gatewayId,
                "SELECT " + COLUMNS + " FROM fleet_log_entry WHERE gateway_id = ? AND device_id = ? ORDER BY seq",
                deviceId);
    }

    @Override
    public Optional<CertificateRecord> record(String gatewayId, String serial) throws IOException {
        return records(
                        gatewayId,
                        "SELECT " + COLUMNS + " FROM fleet_log_entry WHERE gateway_id = ? AND serial = ?",
                        serial)
                .stream()
                .findFirst();
    }

    @Override
    public Optional<Owner> owner(String serial) throws IOException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT gateway_id, kind, device_id FROM fleet_log_entry WHERE serial = ?")) {
                    s.setString(1, serial);
                    try (ResultSet r = s.executeQuery()) {
                        return r.next()
                                ? Optional.of(
                                        new Owner(r.getString(1), DeviceKind.valueOf(r.getString(2)), r.getString(3)))
                                : Optional.<Owner>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw failed("looking up certificate " + serial, e);
        }
    }

    @Override
    public Set<String> gatewaySerials(String gatewayId) throws IOException {
        return strings(
                "reading the certificates of gateway " + gatewayId,
                "SELECT serial FROM fleet_log_entry WHERE gateway_id = ? AND kind = 'GATEWAY' ORDER BY seq",
                gatewayId);
    }

    @Override
    public Set<String> accounts(String gatewayId) throws IOException {
        return strings(
                "reading the accounts of gateway " + gatewayId,
                "SELECT account_url FROM fleet_log_entry WHERE gateway_id = ? AND kind = 'GATEWAY' ORDER BY seq",
                gatewayId);
    }

    @Override
    public Set<String> accountHolders(String accountUrl) throws IOException {
        return strings(
                "looking up account " + accountUrl,
                "SELECT gateway_id FROM fleet_log_entry WHERE account_url = ? AND kind = 'GATEWAY' ORDER BY gateway_id",
                accountUrl);
    }

    @Override
    public boolean isFrozen(String gatewayId) throws IOException {
        return !strings(
                        "reading whether " + gatewayId + " is frozen",
                        "SELECT gateway_id FROM fleet_frozen_gateway WHERE gateway_id = ?",
                        gatewayId)
                .isEmpty();
    }

    @Override
    public boolean freeze(String gatewayId, long atMillis) throws IOException {
        try {
            return db.inTransaction(c -> {
                // insert-if-absent that runs unchanged on H2 and PostgreSQL, and again harmlessly after a retry
                try (PreparedStatement s = c.prepareStatement("INSERT INTO fleet_frozen_gateway (gateway_id, frozen_at)"
                        + " SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM fleet_frozen_gateway WHERE gateway_id = ?)")) {
                    s.setString(1, gatewayId);
                    s.setLong(2, atMillis);
                    s.setString(3, gatewayId);
                    return s.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            if (SqlStates.isUniqueViolation(e)) {
                return false; // another instance froze it at the same moment
            }
            throw failed("freezing " + gatewayId, e);
        }
    }

    private List<CertificateRecord> records(String gatewayId, String sql, Object... more) throws IOException {
        List<String> stored;
        try {
            stored = db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, gatewayId);
                    bind(s, 2, more);
                    List<String> out = new ArrayList<>();
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            out.add(r.getString(4));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw failed("reading the log of " + gatewayId, e);
        }
        List<CertificateRecord> out = new ArrayList<>(stored.size());
        for (String jws : stored) {
            out.add(recordOf(gatewayId, jws));
        }
        return out;
    }

    /** The record of a stored entry, verified when it arrived. */
    static CertificateRecord recordOf(String gatewayId, String compactJws) throws IOException {
        String[] parts = compactJws.split("\\.", -1);
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            return IssuanceEvent.parse(payload, gatewayId).record();
        } catch (RejectedNoticeException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("a stored entry of the log of " + gatewayId + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Set<String> strings(String what, String sql, Object... params) throws IOException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    bind(s, 1, params);
                    Set<String> out = new LinkedHashSet<>();
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            out.add(r.getString(1));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private static void bind(PreparedStatement s, int first, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof Long l) {
                s.setLong(first + i, l);
            } else {
                s.setString(first + i, (String) params[i]);
            }
        }
    }

    private IOException failed(String what, SQLException e) {
        return new IOException(what + " in " + db.description() + " failed: " + e.getMessage(), e);
    }
}
