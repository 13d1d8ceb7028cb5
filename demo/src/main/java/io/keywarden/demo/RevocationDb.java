package io.keywarden.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * The revocation component's state as the demo and its tests look at it from outside the runtime: the H2 database in
 * the component's data directory (docs/database.md). The demo configures it with H2's AUTO_SERVER, so this process can
 * read it while the runtime holds it (H2 then serves it on a loopback port of its own); a production authority keeps
 * the default, embedded only.
 */
public final class RevocationDb {
    private RevocationDb() {}

    /** The {@code store.url} the demo gives the revocation component whose data directory is {@code dataDir}. */
    public static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("revocation") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /** Every journaled ticket as the JSON document the journal holds. */
    public static List<Map<String, Object>> tickets(Path dataDir) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String body : strings(dataDir, "SELECT body FROM revocation_ticket ORDER BY submitted_at", null)) {
            try {
                out.add(JsonUtil.parseJson(body));
            } catch (JoseException e) {
                throw new SQLException("unreadable ticket: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The ticket's journaled state (REVOKED, FAILED, ...), if the journal has it. */
    public static Optional<String> ticketState(Path dataDir, String ticketId) throws SQLException {
        return strings(dataDir, "SELECT state FROM revocation_ticket WHERE id = ?", ticketId).stream()
                .findFirst();
    }

    /** The denied serials. */
    public static List<String> denied(Path dataDir) throws SQLException {
        return strings(dataDir, "SELECT serial FROM revocation_denied ORDER BY serial", null);
    }

    /** The digest of the gateway's accepted escrow deposit, if one is accepted. */
    public static Optional<String> acceptedDeposit(Path dataDir, String gatewayId) throws SQLException {
        return strings(dataDir, "SELECT digest FROM escrow_deposit WHERE gateway_id = ?", gatewayId).stream()
                .findFirst();
    }

    /** "serial instance" per certificate of a ticket recorded as revoked at the CA (the execution audit). */
    public static List<String> executions(Path dataDir) throws SQLException {
        return strings(dataDir, "SELECT serial || ' ' || instance FROM revocation_execution ORDER BY serial", null);
    }

    /** As {@link #ticketState(Path, String)}, in a database the component shares (PostgreSQL, with credentials). */
    public static Optional<String> ticketState(String url, String user, String password, String ticketId)
            throws SQLException {
        return strings(url, user, password, "SELECT state FROM revocation_ticket WHERE id = ?", ticketId).stream()
                .findFirst();
    }

    /** As {@link #acceptedDeposit(Path, String)}, in a database the component shares. */
    public static Optional<String> acceptedDeposit(String url, String user, String password, String gatewayId)
            throws SQLException {
        return strings(url, user, password, "SELECT digest FROM escrow_deposit WHERE gateway_id = ?", gatewayId)
                .stream()
                .findFirst();
    }

    /** As {@link #executions(Path)}, in a database the component shares. */
    public static List<String> executions(String url, String user, String password) throws SQLException {
        return strings(
                url,
                user,
                password,
                "SELECT serial || ' ' || instance FROM revocation_execution ORDER BY serial",
                null);
    }

    private static List<String> strings(Path dataDir, String sql, String arg) throws SQLException {
        // the schema exists once the component has started: before, there is nothing to read
        return strings(url(dataDir) + ";IFEXISTS=TRUE", "", "", sql, arg);
    }

    private static List<String> strings(String url, String user, String password, String sql, String arg)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
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
