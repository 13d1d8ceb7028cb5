package io.keywarden.revocation.internal.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.SqlStates;

/**
 * Denied serials in table {@code revocation_denied}, shared by every instance of the database. Lookups happen at
 * every request on the sensor channel, so they answer from memory: every denied serial's fingerprint
 * ({@link SerialFingerprints}), added at once for this instance's denials and, for other instances' denials, read
 * from the rows above the sequence last seen at most {@link #SYNC_PERIOD} ago (one indexed query, by whichever lookup
 * finds the copy older). A serial whose fingerprint is absent is allowed; a present one is confirmed in a bounded
 * cache of serials known denied (a denial is never lifted, so a cached answer stays right) or in the database. When
 * the copy cannot be brought up to date, or a confirmation fails, the lookup denies (fail closed) and says so in the
 * log. Lookups run on request threads, so they are tried once and wait at most {@link #LOOKUP_WAIT} for a connection,
 * and after a failure the database is not asked again for {@link #PAUSE_AFTER_FAILURE}: while it is down a request is
 * refused at once instead of holding its thread through the retries other transactions make.
 */
public final class JdbcDenyList implements DenyListStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDenyList.class);
    /** Serials remembered as denied; beyond, the least recently used are looked up again. */
    static final int CACHE = 10_000;

    static final Duration LOOKUP_WAIT = Duration.ofMillis(500);
    /** After a failed lookup, lookups deny without asking for this long (a connect may take seconds to fail). */
    static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);
    /** The longest another instance's denial goes unseen here (this instance's own are seen at once). */
    static final Duration SYNC_PERIOD = Duration.ofMillis(250);

    private static final int BATCH = 500;

    private final Database db;
    private final Clock clock;
    private final Map<String, Boolean> denied = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CACHE;
        }
    });
    /** Denied here while the database could not record them: kept until recorded or the process ends. */
    private final Set<String> unrecorded = Collections.synchronizedSet(new TreeSet<>());
    /** Clock millis before which lookups deny without asking the database; 0 while it answers. */
    private volatile long unreachableUntil;
    /** Every denied serial seen here: this instance's at once, the others' from the rows up to {@link #seenSeq}. */
    private final SerialFingerprints fingerprints = new SerialFingerprints();
    /** Clock millis from which the fingerprints are to be brought up to date again. */
    private volatile long syncDue = Long.MIN_VALUE;
    /** The counter value up to which every denied row has been read; -1 before the first read. */
    private long seenSeq = -1;

    private final Object syncLock = new Object();

    public JdbcDenyList(Database db, Clock clock) {
        this.db = requireNonNull(db, "db");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void addAll(Collection<String> serials) throws IOException {
        List<String> all =
                serials.stream().map(DenyListStore::normalize).distinct().toList();
        all.forEach(s -> denied.put(s, Boolean.TRUE));
        unrecorded.addAll(all);
        fingerprints.addAll(all);
        try {
            for (int from = 0; from < all.size(); from += BATCH) {
                List<String> part = all.subList(from, Math.min(all.size(), from + BATCH));
                insertMissing(part);
                unrecorded.removeAll(part);
            }
        } catch (SQLException e) {
            throw new IOException("cannot record denied serials in " + db.description() + ": " + e, e);
        }
    }

    // another instance may insert the same serial between our check and our insert: then check again
    private void insertMissing(List<String> serials) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                db.inTransactionDo(c -> {
                    List<String> missing = new ArrayList<>(serials);
                    missing.removeAll(present(c, serials));
                    if (!missing.isEmpty()) {
                        insert(c, missing, nextSequence(c));
                    }
                });
                return;
            } catch (SQLException e) {
                if (!SqlStates.isUniqueViolation(e) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Set<String> present(Connection c, List<String> serials) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM revocation_denied WHERE serial = ?")) {
            for (String s : serials) {
                ps.setString(1, s);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }

    // the counter row stays locked until this transaction ends: writers commit in counter order
    private static long nextSequence(Connection c) throws SQLException {
        try (PreparedStatement up =
                c.prepareStatement("UPDATE revocation_denied_counter SET seq = seq + 1 WHERE id = 1")) {
            up.executeUpdate();
        }
        return counter(c);
    }

    private static long counter(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM revocation_denied_counter WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("revocation_denied_counter has no row", "02000");
            }
            return rs.getLong(1);
        }
    }

    private void insert(Connection c, List<String> serials, long seq) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO revocation_denied (serial, denied_at, seq) VALUES (?, ?, ?)")) {
            long now = clock.millis();
            for (String s : serials) {
                ps.setString(1, s);
                ps.setLong(2, now);
                ps.setLong(3, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public boolean isDenied(String serial) {
        if (serial == null) {
            return false;
        }
        String s = DenyListStore.normalize(serial);
        if (denied.get(s) != null || unrecorded.contains(s)) {
            return true;
        }
        long now = clock.millis();
        if (now < unreachableUntil) {
            return true; // the database failed a moment ago: deny without holding this thread on it again
        }
        try {
            if (now >= syncDue) {
                sync();
            }
            if (!fingerprints.mightContain(s)) {
                answered();
                return false;
            }
            boolean found = db.inTransactionOnce(c -> !present(c, List.of(s)).isEmpty(), LOOKUP_WAIT);
            if (found) {
                denied.put(s, Boolean.TRUE);
            }
            answered();
            return found;
        } catch (SQLException e) {
            if (unreachableUntil == 0) {
                LOG.error(
                        "Deny list lookup of {} failed, denying every serial not known for {} ms at a time until "
                                + "{} answers: {}",
                        s,
                        PAUSE_AFTER_FAILURE.toMillis(),
                        db.description(),
                        e.toString());
            }
            unreachableUntil = now + PAUSE_AFTER_FAILURE.toMillis();
            return true;
        }
    }

    /** Whether the serial's fingerprint is held here, without asking the database (tests). */
    boolean isDeniedFromMemory(String serial) {
        return fingerprints.isComplete() && fingerprints.mightContain(DenyListStore.normalize(serial));
    }

    private void answered() {
        if (unreachableUntil != 0) {
            unreachableUntil = 0;
            LOG.info("Deny list lookups answered by {} again", db.description());
        }
    }

    /** Reads the rows other instances denied since the last read; one lookup does it, the others wait for it. */
    private void sync() throws SQLException {
        synchronized (syncLock) {
            long start = clock.millis();
            if (start < syncDue) {
                return; // another lookup did it while this one waited
            }
            long from = seenSeq;
            Map.Entry<Long, List<String>> read = db.inTransactionOnce(
                    c -> {
                        long upTo = counter(c);
                        List<String> rows = new ArrayList<>();
                        if (upTo > from) {
                            try (PreparedStatement ps = c.prepareStatement(
                                    "SELECT serial FROM revocation_denied WHERE seq > ? AND seq <= ?")) {
                                ps.setLong(1, from);
                                ps.setLong(2, upTo);
                                try (ResultSet rs = ps.executeQuery()) {
                                    while (rs.next()) {
                                        rows.add(rs.getString(1));
                                    }
                                }
                            }
                        }
                        return Map.entry(upTo, rows);
                    },
                    LOOKUP_WAIT);
            fingerprints.addAll(read.getValue());
            seenSeq = Math.max(from, read.getKey());
            syncDue = start + SYNC_PERIOD.toMillis();
        }
    }

    @Override
    public Set<String> getDeniedSerials() {
        Set<String> out = new TreeSet<>(unrecorded);
        try {
            out.addAll(db.inTransaction(c -> {
                Set<String> all = new TreeSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM revocation_denied");
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(rs.getString(1));
                    }
                }
                return all;
            }));
        } catch (SQLException e) {
            LOG.error("Cannot read the deny list from {}: {}", db.description(), e.toString());
            synchronized (denied) {
                out.addAll(denied.keySet());
            }
        }
        return Collections.unmodifiableSet(out);
    }
}
