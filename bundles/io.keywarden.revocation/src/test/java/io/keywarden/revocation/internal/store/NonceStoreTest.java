package io.keywarden.revocation.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
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

import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.revocation.internal.queue.Ticket;
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
                NonceStore second = new JdbcNonceStore(other, WINDOW, Duration.ofSeconds(30));
                assertFalse(second.firstUse("monitor", "n1", T0.plusSeconds(60)), "another instance, or a restart");
                // past the window it is forgotten (and a request that old is stale anyway)
                assertTrue(second.firstUse("monitor", "n1", T0.plus(WINDOW).plusSeconds(1)));
                assertFalse(first.firstUse("monitor", "n1", T0.plus(WINDOW).plusSeconds(2)));
            }
        }
    }

    /**
     * An instance that recorded a request's nonce and died before journaling its ticket: the same signed request, sent
     * again a lease later, is judged again (once, whichever instance gets it first); another request under that nonce
     * stays a replay, and so does the same request once a ticket was journaled for it (in the ticket's transaction).
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theSameRequestSentAgainALeaseLaterWithNoTicketIsJudgedAgainOnce(Dialect dialect) throws Exception {
        Duration lease = Duration.ofSeconds(30);
        try (TestStores stores = TestStores.of(dialect, dir);
                Database other = stores.open()) {
            NonceStore first = stores.nonces(WINDOW);
            NonceStore second = new JdbcNonceStore(other, WINDOW, lease);
            assertEquals(NonceStore.Use.FIRST, first.use("monitor", "n1", "aa", T0));
            assertEquals(
                    NonceStore.Use.REPLAY, second.use("monitor", "n1", "aa", T0.plusSeconds(29)), "within a lease");
            assertEquals(
                    NonceStore.Use.REPLAY, second.use("monitor", "n1", "bb", T0.plusSeconds(31)), "another request");
            assertEquals(NonceStore.Use.RESUBMITTED, second.use("monitor", "n1", "aa", T0.plusSeconds(31)));
            assertEquals(
                    NonceStore.Use.REPLAY, first.use("monitor", "n1", "aa", T0.plusSeconds(32)), "judged again once");

            RevocationRequest r = RevocationRequest.builder()
                    .target(RevocationTarget.device("dev-1"))
                    .reason(RevocationReason.KEY_COMPROMISE)
                    .requester("monitor")
                    .nonce("n2")
                    .issuedAt(T0)
                    .build();
            assertEquals(NonceStore.Use.FIRST, first.use("monitor", "n2", "cc", T0));
            stores.journal("instance-a", lease, Clock.systemUTC())
                    .save(Ticket.accepted("t-n2", "jws", r, T0, List.of(new Ticket.Cert("a1", "dev-1")), List.of()));
            assertEquals(
                    NonceStore.Use.REPLAY,
                    second.use("monitor", "n2", "cc", T0.plusSeconds(120)),
                    "a ticket was journaled for it: a replay, not a resubmission");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoInstancesGivenTheSameNoncesAtOnceAcceptEachOnce(Dialect dialect) throws Exception {
        int nonces = 100;
        int threads = 4;
        try (TestStores stores = TestStores.of(dialect, dir);
                Database other = stores.open()) {
            List<NonceStore> instances =
                    List.of(stores.nonces(WINDOW), new JdbcNonceStore(other, WINDOW, Duration.ofSeconds(30)));
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
