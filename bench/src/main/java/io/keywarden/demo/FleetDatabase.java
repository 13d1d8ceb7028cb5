package io.keywarden.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * What bench-fleet's authority stored, read from its database while it runs: the entries and the size on disk (H2:
 * the {@code .mv.db} file, reached through H2's automatic server; PostgreSQL: the fleet tables with their indexes).
 */
final class FleetDatabase {
    record Size(long entries, long bytes) {}

    private FleetDatabase() {}

    static Size measure(String url, Map<String, String> store, Path work) {
        Properties p = new Properties();
        if (store.containsKey("store.user")) {
            p.setProperty("user", store.get("store.user"));
            p.setProperty("password", store.get("store.password"));
        }
        try (Connection c = DriverManager.getConnection(url, p);
                Statement s = c.createStatement()) {
            long entries = single(s, "SELECT COUNT(*) FROM fleet_log_entry");
            long bytes;
            if (url.startsWith("jdbc:postgresql:")) {
                bytes = single(
                        s,
                        "SELECT pg_total_relation_size('fleet_log_entry') + pg_total_relation_size('fleet_log_head')");
            } else {
                bytes = Files.size(work.resolve("authority/fleet/fleet.mv.db"));
            }
            return new Size(entries, bytes);
        } catch (SQLException | IOException e) {
            throw new DemoException("cannot read the authority's database: " + e);
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
