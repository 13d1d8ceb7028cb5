package io.keywarden.revocation.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.Dialect;

class NonceStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aNonceIsUsableOncePerRequesterWithinTheWindowOnEveryInstanceAndAfterARestart(Dialect dialect)
            throws Exception {
        try (TestStores stores = TestStores.of(dialect, dir)) {
            NonceStore first = stores.nonces(WINDOW);
            assertTrue(first.firstUse("monitor", "n1", T0));
            assertFalse(first.firstUse("monitor", "n1", T0.plusSeconds(1)));
            assertTrue(first.firstUse("operator", "n1", T0), "nonces are per requester");
            try (Database other = stores.open()) {
                NonceStore second = new JdbcNonceStore(other, WINDOW);
                assertFalse(second.firstUse("monitor", "n1", T0.plusSeconds(60)), "another instance, or a restart");
                // past the window it is forgotten (and a request that old is stale anyway)
                assertTrue(second.firstUse("monitor", "n1", T0.plus(WINDOW).plusSeconds(1)));
                assertFalse(first.firstUse("monitor", "n1", T0.plus(WINDOW).plusSeconds(2)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoInstancesGivenTheSameNoncesAtOnceAcceptEachOnce(Dialect dialect) throws Exception {
        int nonces = 100;
        int threads = 4;
        try (TestStores stores = TestStores.of(dialect, dir);
                Database other = stores.open()) {
            List<NonceStore> instances = List.of(stores.nonces(WINDOW), new JdbcNonceStore(other, WINDOW));
            CyclicBarrier together = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> accepted = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    NonceStore store = instances.get(i % 2);
                    accepted.add(pool.submit((Callable<Integer>) () -> {
                        together.await();
                        int n = 0;
                        for (int k = 0; k < nonces; k++) {
                            n += store.firstUse("monitor", "n" + k, T0) ? 1 : 0;
                        }
                        return n;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : accepted) {
                    total += f.get();
                }
                assertEquals(nonces, total, "each nonce accepted exactly once, whichever instance saw it first");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void noncesOutOfTheWindowAreDeletedAsUsesGoOn(Dialect dialect) throws Exception {
        try (TestStores stores = TestStores.of(dialect, dir)) {
            NonceStore store = stores.nonces(WINDOW);
            for (int i = 1; i < 500; i++) {
                assertTrue(store.firstUse("monitor", "old-" + i, T0));
            }
            assertEquals(499, stores.rows("revocation_nonce"));
            assertTrue(store.firstUse("monitor", "new", T0.plus(WINDOW).plusSeconds(1)));
            assertEquals(1, stores.rows("revocation_nonce"), "the 500th use purged the 499 outside the window");
        }
    }
}
