package io.keywarden.revocation.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keywarden.support.jdbc.ConnectionSource;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.Dialect;
import io.keywarden.support.jdbc.JdbcDrivers;

class DenyListStoreTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void deniedSerialsAreFoundWhateverTheirSpellingOnEveryInstanceAndAfterARestart(Dialect dialect) throws Exception {
        try (TestStores stores = TestStores.of(dialect, dir)) {
            DenyListStore first = stores.denyList();
            first.addAll(List.of("00AB12", "ff"));
            first.addAll(List.of("ff"));
            assertTrue(first.isDenied("ab12"));
            assertTrue(first.isDenied("0xab12".substring(2)));
            assertTrue(first.isDenied("00ab12"));
            assertFalse(first.isDenied("ab13"));
            assertFalse(first.isDenied(null));

            try (Database other = stores.open()) {
                MutableClock clock = new MutableClock();
                DenyListStore second = new JdbcDenyList(other, clock);
                assertEquals(Set.of("ab12", "ff"), second.getDeniedSerials());
                assertTrue(second.isDenied("AB12"));
                assertFalse(second.isDenied("ab13"));
                first.addAll(List.of("AB13"));
                clock.advance(JdbcDenyList.SYNC_PERIOD.toMillis());
                assertTrue(second.isDenied("ab13"), "a serial another instance denied since: seen one period later");
                second.addAll(List.of("ab12", "cd"));
                Thread.sleep(JdbcDenyList.SYNC_PERIOD.toMillis());
                assertTrue(first.isDenied("cd"), "first's copy is older than a period: read again");
            }
            assertEquals(Set.of("ab12", "ab13", "cd", "ff"), first.getDeniedSerials());
            assertEquals(4, stores.rows("revocation_denied"));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aLookupTheDatabaseCannotAnswerDenies(Dialect dialect) throws Exception {
        TestStores stores = TestStores.of(dialect, dir);
        Database other = stores.open();
        DenyListStore store = new JdbcDenyList(other, Clock.systemUTC());
        store.addAll(List.of("01"));
        other.close();
        stores.close();
        assertTrue(store.isDenied("01"), "known denied: from the cache");
        assertTrue(store.isDenied("02"), "unknown and no database: fail closed");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void allowedSerialsAreAnsweredFromMemoryWithinAPeriodAndFailClosedOnceTheCopyIsTooOldToTrust(Dialect dialect)
            throws Exception {
        TestStores stores = TestStores.of(dialect, dir);
        // a row written before the sequence column existed (migration V6 gives it sequence 0)
        stores.db().inTransactionDo(c -> {
            try (var ps = c.prepareStatement("INSERT INTO revocation_denied (serial, denied_at) VALUES ('a', 1)")) {
                ps.executeUpdate();
            }
        });
        Database other = stores.open();
        MutableClock clock = new MutableClock();
        JdbcDenyList store = new JdbcDenyList(other, clock);
        assertTrue(store.isDenied("0A"), "a row from before the migration");
        assertFalse(store.isDenied("0b"));
        other.close();
        stores.close();
        for (int i = 0; i < 100; i++) {
            assertFalse(store.isDenied(Integer.toHexString(1000 + i)), "within the period: from memory");
        }
        assertTrue(store.isDenied("0a"), "known denied: from the cache");
        clock.advance(JdbcDenyList.SYNC_PERIOD.toMillis());
        assertTrue(store.isDenied("0b"), "the copy is a period old and cannot be read again: fail closed");
    }

    /**
     * Two instances deny serials from several threads at once while a third keeps reading what they wrote: once the
     * writers are done and one period has passed, the third holds every serial. A row committed below a counter
     * value the reader had already read past would be missed for good, and allowed.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aReaderMissesNoSerialThatWritersOnOtherInstancesDeniedWhileItRead(Dialect dialect) throws Exception {
        try (TestStores stores = TestStores.of(dialect, dir);
                Database a = stores.open();
                Database b = stores.open();
                Database c = stores.open()) {
            List<DenyListStore> writers =
                    List.of(new JdbcDenyList(a, Clock.systemUTC()), new JdbcDenyList(b, Clock.systemUTC()));
            MutableClock readerClock = new MutableClock();
            JdbcDenyList reader = new JdbcDenyList(c, readerClock);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<String> all = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int batch = 0; batch < 25; batch++) {
                            List<String> serials = new java.util.ArrayList<>();
                            for (int k = 0; k < 3; k++) {
                                serials.add(Integer.toHexString(0x10000 + thread * 10_000 + batch * 10 + k));
                            }
                            writers.get(thread % 2).addAll(serials);
                            all.addAll(serials);
                        }
                        return null;
                    }));
                }
                Thread readerThread = new Thread(() -> {
                    while (writing.get()) {
                        readerClock.advance(JdbcDenyList.SYNC_PERIOD.toMillis());
                        reader.isDenied("ff0000");
                    }
                });
                readerThread.start();
                for (java.util.concurrent.Future<?> f : done) {
                    f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                }
                writing.set(false);
                readerThread.join();
            } finally {
                pool.shutdownNow();
            }
            assertEquals(300, all.size());
            readerClock.advance(JdbcDenyList.SYNC_PERIOD.toMillis());
            reader.isDenied("ff0000"); // one more read, as the next request would make
            c.close(); // from here only memory answers: a serial it missed would be "not denied", not fail closed
            for (String s : all) {
                assertTrue(reader.isDeniedFromMemory(s), s + " was denied on another instance but is not held here");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void normalizingWithoutBigIntegerGivesWhatBigIntegerGives() {
        String[] inputs = {
            "0",
            "00",
            "000a",
            "00AB12",
            " ff ",
            "Ff",
            "0x1f",
            "-1f",
            "+1f",
            "",
            " ",
            "12g",
            "\u0661\u0662",
            "ＡＢ",
            "0000000000000000000000000000000000000000000000000001",
            "deadBEEF",
            "0 1"
        };
        for (String in : inputs) {
            String expected;
            try {
                expected = new java.math.BigInteger(in.trim(), 16).toString(16);
            } catch (NumberFormatException e) {
                expected = in.trim().toLowerCase(java.util.Locale.ROOT);
            }
            assertEquals(expected, DenyListStore.normalize(in), "normalize(\"" + in + "\")");
        }
    }

    @org.junit.jupiter.api.Test
    void fingerprintsPastTheLimitSayTheyAreIncompleteSoEveryLookupAsksTheDatabase() {
        SerialFingerprints set = new SerialFingerprints();
        set.addAll(List.of("ab", "cd", "ab"));
        assertEquals(2, set.size());
        assertTrue(set.mightContain("ab"));
        assertFalse(set.mightContain("ef"));
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < SerialFingerprints.LIMIT; i++) {
            many.add(Integer.toHexString(i));
        }
        set.addAll(many);
        assertFalse(set.isComplete());
        assertTrue(set.mightContain("ef"), "incomplete: every serial may be in it");
    }

    @org.junit.jupiter.api.Test
    void whileTheDatabaseIsUnreachableALookupDeniesAfterOneAttemptAndThenPausesBeforeAskingAgain() throws Exception {
        AtomicInteger connects = new AtomicInteger();
        int closedPort = io.keywarden.testing.pebble.FreePorts.find();
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/none";
        ConnectionSource real = JdbcDrivers.connectionSource(url, "u", "p");
        ConnectionSource counted = () -> {
            connects.incrementAndGet();
            return real.open();
        };
        MutableClock clock = new MutableClock();
        try (Database db = Database.open(url, counted, 4, 10, Database.defaultBackoff())) {
            JdbcDenyList store = new JdbcDenyList(db, clock);
            assertTrue(store.isDenied("02"), "no database: fail closed");
            assertEquals(1, connects.get(), "one attempt, not the retries of an ordinary transaction");
            assertTrue(store.isDenied("03"));
            assertEquals(1, connects.get(), "within the pause the database is not asked");
            clock.advance(JdbcDenyList.PAUSE_AFTER_FAILURE.toMillis());
            assertTrue(store.isDenied("04"));
            assertEquals(2, connects.get(), "after the pause it is asked again");
        }
    }

    private static final class MutableClock extends Clock {
        private long millis = 1_000_000;

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
