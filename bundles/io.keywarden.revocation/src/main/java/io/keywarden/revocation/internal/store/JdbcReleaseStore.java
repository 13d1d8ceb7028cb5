package io.keywarden.revocation.internal.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.SqlStates;

/** Releases in table {@code revocation_release}, recorded before the release request is answered. */
public final class JdbcReleaseStore implements ReleaseStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcReleaseStore.class);
    private final Database db;

    public JdbcReleaseStore(Database db) {
        this.db = requireNonNull(db, "db");
    }

    @Override
    public void release(Collection<String> serials, Instant at) throws IOException {
        List<String> all =
                serials.stream().map(DenyListStore::normalize).distinct().toList();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    db.inTransactionDo(c -> {
                        for (String s : all) {
                            if (update(c, s, at) == 0) {
                                insert(c, s, at);
                            }
                        }
                    });
                    return;
                } catch (SQLException e) {
                    // released at once by another instance: the next pass updates its row
                    if (!SqlStates.isUniqueViolation(e) || attempt == 3) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot record the release in " + db.description() + ": " + e, e);
        }
    }

    private static int update(Connection c, String serial, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE revocation_release SET released_at = ? WHERE serial = ? AND released_at <= ?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, serial);
            ps.setLong(3, at.toEpochMilli());
            int n = ps.executeUpdate();
            return n > 0 || !exists(c, serial) ? n : 1;
        }
    }

    private static boolean exists(Connection c, String serial) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM revocation_release WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insert(Connection c, String serial, Instant at) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO revocation_release (serial, released_at) VALUES (?, ?)")) {
            ps.setString(1, serial);
            ps.setLong(2, at.toEpochMilli());
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<Instant> releasedAt(String serial) {
        if (serial == null) {
            return Optional.empty();
        }
        String s = DenyListStore.normalize(serial);
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT released_at FROM revocation_release WHERE serial = ?")) {
                    ps.setString(1, s);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
                    }
                }
            });
        } catch (SQLException e) {
            // no release known means the serial stays plainly denied: the safe answer
            LOG.error("Cannot read releases from {}: {}", db.description(), e.toString());
            return Optional.empty();
        }
    }
}
