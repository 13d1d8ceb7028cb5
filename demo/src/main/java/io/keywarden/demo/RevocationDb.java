package io.keywarden.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * The revocation component's state as the demo and its tests look at it from outside the runtime (docs/database.md):
 * the H2 database in the component's data directory, or the PostgreSQL database its {@code store.url} names
 * ({@link AuthorityStore}). The demo configures H2 with AUTO_SERVER, so this process can read it while the runtime
 * holds it (H2 then serves it on a loopback port of its own); a production authority keeps the default, embedded only.
 * The methods taking a data directory read that H2 database.
 */
public final class RevocationDb {
    private RevocationDb() {}

    /** The {@code store.url} the demo gives the revocation component whose data directory is {@code dataDir}. */
    public static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("revocation") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /** The component's H2 database in {@code dataDir}, to read: a read before the runtime created it finds none. */
    static Jdbc h2(Path dataDir) {
        return new Jdbc(url(dataDir) + ";IFEXISTS=TRUE", "", "");
    }

    /** Every journaled ticket as the JSON document the journal holds. */
    public static List<Map<String, Object>> tickets(Path dataDir) throws SQLException {
        return tickets(h2(dataDir));
    }

    /** As {@link #tickets(Path)}, in the database {@code db}. */
    static List<Map<String, Object>> tickets(Jdbc db) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String body : strings(db, "SELECT body FROM revocation_ticket ORDER BY submitted_at", null)) {
            try {
                out.add(JsonUtil.parseJson(body));
            } catch (JoseException e) {
                throw new SQLException("unreadable ticket: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The ticket's journaled state (REVOKED, FAILED, ...), if the journal has it. */
    static Optional<String> ticketState(Jdbc db, String ticketId) throws SQLException {
        return strings(db, "SELECT state FROM revocation_ticket WHERE id = ?", ticketId).stream()
                .findFirst();
    }

    /** The denied serials. */
    public static List<String> denied(Path dataDir) throws SQLException {
        return strings(h2(dataDir), "SELECT serial FROM revocation_denied ORDER BY serial", null);
    }

    /** The digest of the gateway's accepted escrow deposit, if one is accepted. */
    static Optional<String> acceptedDeposit(Jdbc db, String gatewayId) throws SQLException {
        return strings(db, "SELECT digest FROM escrow_deposit WHERE gateway_id = ?", gatewayId).stream()
                .findFirst();
    }

    /** "serial instance" per certificate of a ticket recorded as revoked at the CA (the execution audit). */
    public static List<String> executions(Path dataDir) throws SQLException {
        return strings(h2(dataDir), "SELECT serial || ' ' || instance FROM revocation_execution ORDER BY serial", null);
    }

    /** How many rows {@code table} of {@code db} holds (a table of the revocation or the fleet component). */
    static long count(Jdbc db, String table) throws SQLException {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        return Long.parseLong(strings(db, "SELECT COUNT(*) FROM " + table, null).get(0));
    }

    private static List<String> strings(Jdbc db, String sql, String arg) throws SQLException {
        // the schema exists once the component has started: before, there is nothing to read
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
