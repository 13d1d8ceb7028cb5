package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.Dialect;

/**
 * Notices once across authority instances (two connection pools on one database, H2 and PostgreSQL): a settled
 * ticket whose notice its dead holder never published is taken over by exactly one other instance, and only after
 * the holder's lease; a published notice and an instance's own tickets are never taken.
 */
class NoticeLedgerTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aDeadHoldersUnpublishedNoticeIsTakenOverOnceAfterItsLease(Dialect dialect) throws Exception {
        Clock early = Clock.fixed(T0, ZoneOffset.UTC);
        Clock later = Clock.fixed(T0.plus(LEASE).plusSeconds(1), ZoneOffset.UTC);
        try (TestStores stores = TestStores.of(dialect, dir);
                Database second = stores.open()) {
            JdbcTicketJournal a = stores.journal("instance-a", LEASE, early);
            for (String id : List.of("published", "unpublished", "unsettled")) {
                Ticket t = ticket(id);
                a.save(t);
                a.claim(t);
                if (!id.equals("unsettled")) {
                    settle(t);
                }
                a.save(t);
            }
            NoticeLedger ledgerA = new NoticeLedger(stores.db(), "instance-a", LEASE, later);
            ledgerA.published("published");
            assertTrue(ledgerA.isPublished("published"));
            assertFalse(ledgerA.isPublished("unpublished"));

            NoticeLedger ledgerB = new NoticeLedger(second, "instance-b", LEASE, early);
            assertEquals(List.of(), ledgerB.adoptOrphans(), "within the holder's lease: nothing to take");
            assertEquals(List.of(), ledgerA.adoptOrphans(), "an instance never takes its own notices");

            NoticeLedger ledgerBLater = new NoticeLedger(second, "instance-b", LEASE, later);
            // the unsettled ticket goes with its claim (TicketClaims), not here
            assertEquals(List.of("unpublished"), ledgerBLater.adoptOrphans());
            assertEquals(List.of(), ledgerBLater.adoptOrphans(), "taken once: now under instance-b's lease");
            NoticeLedger ledgerC = new NoticeLedger(stores.db(), "instance-c", LEASE, later);
            assertEquals(List.of(), ledgerC.adoptOrphans(), "a third instance finds it held");
            ledgerBLater.published("unpublished");
            assertTrue(ledgerA.isPublished("unpublished"));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoInstancesSweepingAtOnceTakeEachOf200NoticesExactlyOnce(Dialect dialect) throws Exception {
        int count = 200;
        Clock early = Clock.fixed(T0, ZoneOffset.UTC);
        Clock later = Clock.fixed(T0.plus(LEASE).plusSeconds(1), ZoneOffset.UTC);
        try (TestStores stores = TestStores.of(dialect, dir);
                Database second = stores.open()) {
            JdbcTicketJournal dead = stores.journal("instance-dead", LEASE, early);
            for (int i = 0; i < count; i++) {
                Ticket t = ticket("t" + i);
                dead.save(t);
                dead.claim(t);
                settle(t);
                dead.save(t);
            }
            List<NoticeLedger> sweepers = List.of(
                    new NoticeLedger(stores.db(), "instance-b", LEASE, later),
                    new NoticeLedger(second, "instance-c", LEASE, later));
            CyclicBarrier together = new CyclicBarrier(sweepers.size());
            ExecutorService pool = Executors.newFixedThreadPool(sweepers.size());
            try {
                List<Future<List<String>>> taken = new ArrayList<>();
                for (NoticeLedger l : sweepers) {
                    taken.add(pool.submit((Callable<List<String>>) () -> {
                        together.await();
                        List<String> mine = new ArrayList<>();
                        for (int round = 0; round < 2; round++) {
                            mine.addAll(l.adoptOrphans());
                        }
                        return mine;
                    }));
                }
                List<String> all = new ArrayList<>();
                for (Future<List<String>> f : taken) {
                    all.addAll(f.get());
                }
                Set<String> distinct = new HashSet<>(all);
                assertEquals(all.size(), distinct.size(), "a notice was taken twice");
                assertEquals(count, distinct.size(), "a notice was left behind");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void settle(Ticket t) {
        synchronized (t) {
            t.certs.forEach(c -> c.state = CertificateRevocation.State.REVOKED);
            t.state = TicketState.REVOKED;
        }
    }

    private static Ticket ticket(String id) {
        RevocationRequest r = RevocationRequest.builder()
                .target(RevocationTarget.device("dev-" + id))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("monitor")
                .nonce("n-" + id)
                .issuedAt(T0)
                .build();
        return Ticket.accepted(id, "jws", r, T0, List.of(new Ticket.Cert("s-" + id, "dev-" + id)), List.of());
    }
}
