package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

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

/** The journal's claims, as two authority instances (two connection pools on one database) see them. */
class TicketJournalContractTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoInstancesClaimingTheSame200TicketsAtOnceExecuteEachExactlyOnce(Dialect dialect) throws Exception {
        int tickets = 200;
        try (TestStores stores = TestStores.of(dialect, dir);
                Database second = stores.open()) {
            // two instances of two workers each; within an instance the queue gives a ticket to one worker at a
            // time, so each worker claims under a name of its own here, as if it were an instance
            List<TicketJournal> instances = List.of(
                    stores.journal("instance-a1", LEASE, Clock.systemUTC()),
                    new JdbcTicketJournal(second, "instance-b1", LEASE, Clock.systemUTC()),
                    stores.journal("instance-a2", LEASE, Clock.systemUTC()),
                    new JdbcTicketJournal(second, "instance-b2", LEASE, Clock.systemUTC()));
            for (int i = 0; i < tickets; i++) {
                instances.get(0).save(ticket("t" + i, "s" + i));
            }
            Map<String, String> executedBy = new ConcurrentHashMap<>();
            Map<String, Integer> executions = new ConcurrentHashMap<>();
            int threads = 4;
            CyclicBarrier together = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            try {
                List<Future<Integer>> claimed = new ArrayList<>();
                for (int w = 0; w < threads; w++) {
                    TicketJournal journal = instances.get(w);
                    String name = ((JdbcTicketJournal) journal).owner();
                    claimed.add(pool.submit((Callable<Integer>) () -> {
                        together.await();
                        int n = 0;
                        for (Ticket t : journal.loadUnsettled()) {
                            if (journal.claim(t) == TicketJournal.Claim.CLAIMED) {
                                executions.merge(t.id, 1, Integer::sum);
                                executedBy.put(t.id, name);
                                settle(t);
                                journal.save(t);
                                n++;
                            }
                        }
                        return n;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : claimed) {
                    total += f.get();
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("%s: %d tickets claimed and settled by two instances in %d ms%n", dialect, total, ms);
                assertEquals(tickets, total);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(tickets, executions.size());
            assertTrue(executions.values().stream().allMatch(n -> n == 1), "each ticket executed once: " + executions);
            assertEquals(0, instances.get(1).loadUnsettled().size());
            assertEquals(tickets, stores.rows("revocation_execution"), "the execution audit: one row per certificate");
            for (Map.Entry<String, String> e : executedBy.entrySet()) {
                String serial = "s" + e.getKey().substring(1);
                assertEquals(
                        List.of(serial + " " + e.getValue()),
                        stores.db().inTransaction(c -> ExecutionAudit.of(c, e.getKey())),
                        "recorded once, by the instance that executed it");
            }
            assertTrue(instances.get(0).loadAll().stream().allMatch(t -> t.state() == TicketState.REVOKED));
            System.out.printf(
                    "%s: tickets per worker %s%n",
                    dialect,
                    executedBy.values().stream()
                            .collect(java.util.stream.Collectors.groupingBy(
                                    n -> n, java.util.stream.Collectors.counting())));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anExpiredLeaseIsTakenOverWithTheProgressMadeAndTheFormerHolderIsStopped(Dialect dialect) throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (TestStores stores = TestStores.of(dialect, dir);
                Database second = stores.open()) {
            TicketJournal a = stores.journal("instance-a", LEASE, clock);
            TicketJournal b = new JdbcTicketJournal(second, "instance-b", LEASE, clock);
            Ticket atA = ticket("t1", "s1", "s2");
            a.save(atA);
            assertEquals(TicketJournal.Claim.CLAIMED, a.claim(atA));
            synchronized (atA) {
                atA.certs.get(0).state = CertificateRevocation.State.REVOKED;
            }
            a.save(atA);

            clock.set(T0.plusSeconds(30));
            Ticket atB = b.load("t1").orElseThrow();
            assertEquals(TicketJournal.Claim.HELD_ELSEWHERE, b.claim(atB));
            assertEquals(List.of(), b.claimable(), "a live lease is nobody else's");

            // instance a stops without a word; one lease after its last save the ticket is b's
            clock.set(T0.plus(LEASE).plusSeconds(1));
            assertEquals(List.of("t1"), b.claimable());
            assertEquals(TicketJournal.Claim.CLAIMED, b.claim(atB));
            assertEquals(
                    CertificateRevocation.State.REVOKED,
                    atB.snapshot().getCertificates().get(0).getState(),
                    "what a recorded is not done again");
            assertThrows(TicketJournal.LostClaimException.class, () -> a.save(atA), "a may not write over b's work");

            settle(atB);
            b.save(atB);
            assertEquals(
                    List.of("s1 instance-a", "s2 instance-b"),
                    stores.db().inTransaction(c -> ExecutionAudit.of(c, "t1")),
                    "what a revoked stays a's in the audit, b adds only its own");
            assertEquals(TicketJournal.Claim.SETTLED, a.claim(atA));
            assertEquals(TicketState.REVOKED, atA.state(), "a learns the outcome from the journal");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aCleanStopReleasesTheClaimsAndTheSameInstanceRestartedTakesItsOwnBack(Dialect dialect) throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (TestStores stores = TestStores.of(dialect, dir);
                Database second = stores.open()) {
            TicketJournal a = stores.journal("instance-a", LEASE, clock);
            TicketJournal b = new JdbcTicketJournal(second, "instance-b", LEASE, clock);
            Ticket t1 = ticket("t1", "s1");
            Ticket t2 = ticket("t2", "s2");
            a.save(t1);
            a.save(t2);
            assertEquals(TicketJournal.Claim.CLAIMED, a.claim(t1));
            assertEquals(TicketJournal.Claim.CLAIMED, a.claim(t2));
            TicketJournal aRestarted = new JdbcTicketJournal(second, "instance-a", LEASE, clock);
            assertEquals(TicketJournal.Claim.CLAIMED, aRestarted.claim(ticket("t2", "s2")), "its own claim");
            a.releaseClaims();
            assertEquals(TicketJournal.Claim.CLAIMED, b.claim(b.load("t1").orElseThrow()), "released: at once");
        }
    }

    private static void settle(Ticket t) {
        synchronized (t) {
            t.certs.forEach(c -> c.state = CertificateRevocation.State.REVOKED);
            t.state = TicketState.REVOKED;
        }
    }

    private static Ticket ticket(String id, String... serials) {
        List<Ticket.Cert> certs = new ArrayList<>();
        for (String s : serials) {
            certs.add(new Ticket.Cert(s, "dev-" + s));
        }
        RevocationRequest r = RevocationRequest.builder()
                .target(RevocationTarget.device("dev-" + serials[0]))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("monitor")
                .nonce("n-" + id)
                .issuedAt(T0)
                .build();
        return Ticket.accepted(id, "jws", r, T0, certs, List.of());
    }

    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void set(Instant at) {
            now.set(at);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
