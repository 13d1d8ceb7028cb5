package io.keywarden.revocation.internal.escrow;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.SqlStates;

/** Tables {@code escrow_deposit} and {@code escrow_refusal} (schema revocation V3). */
public final class JdbcDepositStore implements DepositStore {
    private final Database db;
    private final Clock clock;

    public JdbcDepositStore(Database db, Clock clock) {
        this.db = requireNonNull(db, "db");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public Map<String, byte[]> accepted() throws IOException {
        return read(c -> {
            Map<String, byte[]> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway_id, content FROM escrow_deposit");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBytes(2));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<String> gatewayOfAccount(String accountUrl) throws IOException {
        return read(c -> one(c, "SELECT gateway_id FROM escrow_deposit WHERE account_url = ?", accountUrl)
                .map(rs -> rs[0]));
    }

    @Override
    public Optional<byte[]> accepted(String gatewayId) throws IOException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT content FROM escrow_deposit WHERE gateway_id = ?")) {
                ps.setString(1, gatewayId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    @Override
    public Map<String, String> refused() throws IOException {
        return read(c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway_id, digest FROM escrow_refusal");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    @Override
    public void accept(String gatewayId, String accountUrl, String digest, byte[] content) throws IOException {
        write(c -> {
            long now = clock.millis();
            try (PreparedStatement up = c.prepareStatement("UPDATE escrow_deposit SET account_url = ?, digest = ?,"
                    + " content = ?, accepted_at = ? WHERE gateway_id = ?")) {
                up.setString(1, accountUrl);
                up.setString(2, digest);
                up.setBytes(3, content);
                up.setLong(4, now);
                up.setString(5, gatewayId);
                if (up.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement("INSERT INTO escrow_deposit (gateway_id,"
                            + " account_url, digest, content, accepted_at) VALUES (?, ?, ?, ?, ?)")) {
                        in.setString(1, gatewayId);
                        in.setString(2, accountUrl);
                        in.setString(3, digest);
                        in.setBytes(4, content);
                        in.setLong(5, now);
                        in.executeUpdate();
                    }
                }
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM escrow_refusal WHERE gateway_id = ?")) {
                del.setString(1, gatewayId);
                del.executeUpdate();
            }
        });
    }

    @Override
    public void refuse(String gatewayId, String digest) throws IOException {
        write(c -> {
            try (PreparedStatement up =
                    c.prepareStatement("UPDATE escrow_refusal SET digest = ?, refused_at = ? WHERE gateway_id = ?")) {
                up.setString(1, digest);
                up.setLong(2, clock.millis());
                up.setString(3, gatewayId);
                if (up.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement(
                            "INSERT INTO escrow_refusal (gateway_id, digest, refused_at) VALUES (?, ?, ?)")) {
                        in.setString(1, gatewayId);
                        in.setString(2, digest);
                        in.setLong(3, clock.millis());
                        in.executeUpdate();
                    }
                }
            }
        });
    }

    private static Optional<String[]> one(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1)}) : Optional.empty();
            }
        }
    }

    private <T> T read(Database.Work<T> work) throws IOException {
        try {
            return db.inTransaction(work);
        } catch (SQLException e) {
            throw new IOException("cannot read the escrow vault in " + db.description() + ": " + e, e);
        }
    }

    // two instances recording the same gateway at once: the loser's insert fails on the key, and runs again as update
    private void write(Database.Step step) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                db.inTransactionDo(step);
                return;
            } catch (SQLException e) {
                if (!SqlStates.isUniqueViolation(e) || attempt == 3) {
                    throw new IOException("cannot write the escrow vault in " + db.description() + ": " + e, e);
                }
            }
        }
    }
}
