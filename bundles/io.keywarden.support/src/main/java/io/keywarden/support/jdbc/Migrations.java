package io.keywarden.support.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's schema as versioned SQL scripts, applied in order and recorded in {@code keywarden_schema(component,
 * version, applied_at)}. Scripts are classpath resources named {@code V<n>__<what>.sql}, n = 1, 2, ... without gaps,
 * listed by the component (a bundle's resources cannot be listed the same way in OSGi and in a plain class path).
 * Their SQL must run unchanged on H2 2.1.214 and PostgreSQL 15; statements end with {@code ;} at the end of a line,
 * {@code --} starts a comment line.
 *
 * <p>Two instances starting at once: every version is applied in one transaction that first locks the component's
 * row {@code version = 0} ({@code SELECT ... FOR UPDATE}) and re-reads the versions applied, so the second instance
 * waits and then finds nothing left to do. PostgreSQL's DDL is transactional, so a failing script leaves nothing
 * behind. H2 commits at each DDL statement: there a failing script may leave part of itself, and instances sharing one
 * H2 database (one JVM, since the embedded file is locked by its process) are serialised by a lock in this JVM.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__[A-Za-z0-9_]+\\.sql");
    private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(\\r?\\n|$)");
    private static final ConcurrentHashMap<String, Object> H2_LOCKS = new ConcurrentHashMap<>();
    private static final String TABLE = "CREATE TABLE IF NOT EXISTS keywarden_schema ("
            + "component VARCHAR(100) NOT NULL, version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, "
            + "PRIMARY KEY (component, version))";

    private final String component;
    private final Class<?> anchor;
    private final String folder;
    private final List<String> scripts;

    private Migrations(String component, Class<?> anchor, String folder, List<String> scripts) {
        this.component = component;
        this.anchor = anchor;
        this.folder = folder.endsWith("/") ? folder : folder + "/";
        this.scripts = scripts;
    }

    /**
     * The scripts of {@code component}, loaded with {@code anchor.getResourceAsStream(folder + name)}; {@code folder}
     * is absolute ({@code /io/keywarden/revocation/db/}). Names must be V1, V2, ... in order.
     */
    public static Migrations of(String component, Class<?> anchor, String folder, String... names) {
        Objects.requireNonNull(component, "component");
        if (component.isEmpty() || component.length() > 100) {
            throw new IllegalArgumentException("component name of 1 to 100 characters: " + component);
        }
        for (int i = 0; i < names.length; i++) {
            Matcher m = NAME.matcher(names[i]);
            if (!m.matches() || Integer.parseInt(m.group(1)) != i + 1) {
                throw new IllegalArgumentException(
                        "script " + (i + 1) + " must be named V" + (i + 1) + "__<what>.sql: " + names[i]);
            }
        }
        return new Migrations(component, Objects.requireNonNull(anchor, "anchor"), folder, List.of(names));
    }

    /** The newest version these scripts bring the schema to. */
    public int latest() {
        return scripts.size();
    }

    /**
     * Applies the scripts not yet applied, each in its own transaction; returns how many this call applied. A
     * database already at a newer version than these scripts know is refused (an older bundle against a newer schema).
     */
    public int apply(Database db) throws SQLException {
        createTable(db);
        insertLockRow(db);
        int applied = 0;
        for (int v = 1; v <= scripts.size(); v++) {
            List<String> statements = statements(scripts.get(v - 1));
            if (applyOne(db, v, statements)) {
                applied++;
            }
        }
        int current = db.inTransaction(this::current);
        if (current > scripts.size()) {
            throw new SQLException(
                    component + " schema is at version " + current + ", newer than this code's " + scripts.size()
                            + ": refusing to run on it",
                    "55000");
        }
        return applied;
    }

    /** The version recorded for the component, 0 if none. */
    public int current(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT MAX(version) FROM keywarden_schema WHERE component = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    // PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one: the loser fails on the catalog's
    // unique index (23505), on the table that now exists (42P07) or on its row type that now exists (42710,
    // "type keywarden_schema already exists", seen once in MigrationsTest); the table is there, which is all we need
    private static void createTable(Database db) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                db.inTransactionDo(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(TABLE);
                    }
                });
                return;
            } catch (SQLException e) {
                boolean raced = SqlStates.isUniqueViolation(e)
                        || "42P07".equals(e.getSQLState())
                        || "42710".equals(e.getSQLState());
                if (!raced || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void insertLockRow(Database db) throws SQLException {
        try {
            db.inTransactionDo(c -> {
                if (!hasLockRow(c)) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO keywarden_schema "
                            + "(component, version, applied_at) VALUES (?, 0, CURRENT_TIMESTAMP)")) {
                        ps.setString(1, component);
                        ps.executeUpdate();
                    }
                }
            });
        } catch (SQLException e) {
            if (!SqlStates.isUniqueViolation(e)) {
                throw e;
            }
            // another instance inserted it between our check and our insert: exactly what we wanted
        }
    }

    private boolean hasLockRow(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM keywarden_schema WHERE component = ? AND version = 0")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private boolean applyOne(Database db, int version, List<String> statements) throws SQLException {
        if (db.dialect() != Dialect.H2) {
            return db.inTransaction(c -> applyLocked(c, version, statements));
        }
        synchronized (H2_LOCKS.computeIfAbsent(db.description() + "#" + component, k -> new Object())) {
            return db.inTransaction(c -> applyLocked(c, version, statements));
        }
    }

    private boolean applyLocked(Connection c, int version, List<String> statements) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(
                "SELECT version FROM keywarden_schema WHERE component = ? AND version = 0 FOR UPDATE")) {
            lock.setString(1, component);
            lock.executeQuery().close();
        }
        if (current(c) >= version) {
            return false;
        }
        long start = System.nanoTime();
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO keywarden_schema (component, version, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
            ps.setString(1, component);
            ps.setInt(2, version);
            ps.executeUpdate();
        }
        LOG.info(
                "{} schema: applied {} in {} ms",
                component,
                scripts.get(version - 1),
                (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    private List<String> statements(String name) throws SQLException {
        String text;
        try (InputStream in = anchor.getResourceAsStream(folder + name)) {
            if (in == null) {
                throw new SQLException("migration script " + folder + name + " is missing", "58030");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read migration script " + folder + name, "58030", e);
        }
        return split(text);
    }

    /** The statements of a script: comment lines dropped, split at a {@code ;} that ends a line. */
    static List<String> split(String script) {
        StringBuilder body = new StringBuilder();
        for (String line : script.split("\\r?\\n", -1)) {
            if (!line.strip().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String part : STATEMENT_END.split(body)) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }
}
