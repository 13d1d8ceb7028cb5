package io.keywarden.demo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Reads a gateway's issuance log as the fleet authority stored it, from the authority's database while its runtime
 * holds it (the demo's authority opens its H2 file with {@code AUTO_SERVER=TRUE}, so this process reaches it through
 * H2's automatic server).
 */
final class StoredLog {
    private StoredLog() {}

    /** The signed entries as they arrived, in order; none when the database or the log is not there yet. */
    static List<String> messages(String url, String gatewayId) {
        return messages(url, "", "", gatewayId);
    }

    /** As {@link #messages(String, String)}, in a database that needs credentials (PostgreSQL). */
    static List<String> messages(String url, String user, String password, String gatewayId) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement s =
                        c.prepareStatement("SELECT jws FROM fleet_log_entry WHERE gateway_id = ? ORDER BY seq")) {
            s.setString(1, gatewayId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        } catch (SQLException e) {
            // not created yet (the authority starting, or no log accepted yet): nothing stored so far
            return List.of();
        }
        return out;
    }

    /** The payloads of the stored entries, in order. */
    static List<Map<String, Object>> entries(String url, String gatewayId) {
        return entries(url, "", "", gatewayId);
    }

    /** As {@link #entries(String, String)}, in a database that needs credentials (PostgreSQL). */
    static List<Map<String, Object>> entries(String url, String user, String password, String gatewayId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String jws : messages(url, user, password, gatewayId)) {
            try {
                out.add(JsonUtil.parseJson(
                        new String(Base64.getUrlDecoder().decode(jws.split("\\.")[1]), StandardCharsets.UTF_8)));
            } catch (JoseException | RuntimeException e) {
                return out;
            }
        }
        return out;
    }

    /** The serials of the certificates the stored entries record. */
    static Set<String> serials(String url, String gatewayId) {
        return serials(url, "", "", gatewayId);
    }

    /** As {@link #serials(String, String)}, in a database that needs credentials (PostgreSQL). */
    static Set<String> serials(String url, String user, String password, String gatewayId) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> entry : entries(url, user, password, gatewayId)) {
            if (entry.get("record") instanceof Map<?, ?> m) {
                out.add(String.valueOf(m.get("serial")));
            }
        }
        return out;
    }
}
