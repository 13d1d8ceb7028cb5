package io.keywarden.fleet.internal.log;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.fleet.internal.log.LogStore.Entry;
import io.keywarden.fleet.internal.log.LogStore.Head;
import io.keywarden.fleet.internal.log.LogStore.Judge;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.SqlStates;

/**
 * How {@link JdbcLogStore} moves a gateway's head: the row in {@code fleet_log_head} is the gateway's log lock (read
 * {@code FOR UPDATE}), and an append moves it only from the head it extends, in the transaction that inserts the
 * entries.
 */
final class LogHeads {
    private LogHeads() {}

    /** False when the gateway has no head row yet. */
    static boolean judgeLocked(Connection c, String gatewayId, Judge judge) throws SQLException {
        Head head;
        try (PreparedStatement s =
                c.prepareStatement("SELECT seq, hash FROM fleet_log_head WHERE gateway_id = ? FOR UPDATE")) {
            s.setString(1, gatewayId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return false;
                }
                head = new Head(r.getLong(1), r.getString(2));
            }
        }
        List<Entry> entries;
        try {
            entries = judge.judge(head);
        } catch (IOException e) {
            throw new JudgeFailed(e);
        }
        if (!entries.isEmpty()) {
            moveHead(c, gatewayId, head.seq(), entries.get(entries.size() - 1));
            insert(c, gatewayId, entries);
        }
        return true;
    }

    /** Carries the judge's failure out of the transaction, which it rolls back. */
    static final class JudgeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JudgeFailed(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    static void addHead(Database db, String gatewayId) throws SQLException {
        try {
            db.inTransactionDo(c -> {
                // insert-if-absent that runs unchanged on H2 and PostgreSQL
                try (PreparedStatement s = c.prepareStatement("INSERT INTO fleet_log_head (gateway_id, seq, hash)"
                        + " SELECT ?, 0, ? WHERE NOT EXISTS (SELECT 1 FROM fleet_log_head WHERE gateway_id = ?)")) {
                    s.setString(1, gatewayId);
                    s.setString(2, IssuanceEvent.GENESIS);
                    s.setString(3, gatewayId);
                    s.executeUpdate();
                }
            });
        } catch (SQLException e) {
            if (!SqlStates.isUniqueViolation(e)) {
                throw e; // otherwise another instance made it at the same moment: as good
            }
        }
    }

    static void moveHead(Connection c, String gatewayId, long from, Entry to) throws SQLException {
        int moved;
        try (PreparedStatement s =
                c.prepareStatement("UPDATE fleet_log_head SET seq = ?, hash = ? WHERE gateway_id = ? AND seq = ?")) {
            s.setLong(1, to.seq());
            s.setString(2, to.hash());
            s.setString(3, gatewayId);
            s.setLong(4, from);
            moved = s.executeUpdate();
        }
        if (moved == 0 && from == 0) {
            // no head row yet (a log imported from the files of earlier versions)
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO fleet_log_head (gateway_id, seq, hash) VALUES (?, ?, ?)")) {
                s.setString(1, gatewayId);
                s.setLong(2, to.seq());
                s.setString(3, to.hash());
                moved = s.executeUpdate();
            }
        }
        if (moved != 1) {
            throw new SQLException("the head of " + gatewayId + " is no longer entry " + from + ": another writer");
        }
    }

    static void insert(Connection c, String gatewayId, List<Entry> entries) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO fleet_log_entry (gateway_id, seq, hash, received_at,"
                + " serial, kind, device_id, account_url, jws) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Entry e : entries) {
                CertificateRecord r = e.record();
                s.setString(1, gatewayId);
                s.setLong(2, e.seq());
                s.setString(3, e.hash());
                s.setLong(4, e.receivedAtMillis());
                s.setString(5, r.getSerial());
                s.setString(6, r.getKind().name());
                s.setString(7, r.getDeviceId());
                s.setString(8, r.getAccountUrl());
                s.setString(9, e.compactJws());
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
