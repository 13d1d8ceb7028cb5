package io.keywarden.revocation.internal.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Table {@code revocation_execution}: each certificate of a ticket recorded once as revoked at the CA, with the
 * instance that did it, the route and the CA's answer, in the transaction that journals the ticket (so only the
 * claim's holder writes it). A row already there (recorded before a restart or a takeover) is left as it is.
 */
final class ExecutionAudit {
    private final String instance;

    ExecutionAudit(String instance) {
        this.instance = instance;
    }

    void record(Connection c, String ticketId, List<Ticket.Cert> revoked, long now) throws SQLException {
        if (revoked.isEmpty()) {
            return;
        }
        try (PreparedStatement exists =
                        c.prepareStatement("SELECT 1 FROM revocation_execution WHERE ticket_id = ? AND serial = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO revocation_execution (ticket_id, serial,"
                        + " instance, route, ca_answer, executed_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Ticket.Cert x : revoked) {
                exists.setString(1, ticketId);
                exists.setString(2, x.serial);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
                insert.setString(1, ticketId);
                insert.setString(2, x.serial);
                insert.setString(3, instance);
                insert.setString(4, x.route == null ? null : x.route.name());
                insert.setString(5, x.caAnswer);
                insert.setLong(6, x.revokedAt == null ? now : x.revokedAt.toEpochMilli());
                insert.executeUpdate();
            }
        }
    }

    /** Who executed which certificate of the ticket: "serial instance" pairs, for the shell and the tests. */
    static List<String> of(Connection c, String ticketId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT serial, instance FROM revocation_execution WHERE ticket_id = ? ORDER BY serial")) {
            ps.setString(1, ticketId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        return out;
    }
}
