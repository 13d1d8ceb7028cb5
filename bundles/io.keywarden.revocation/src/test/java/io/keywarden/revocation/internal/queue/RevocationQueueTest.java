package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.FakeInventory;
import io.keywarden.revocation.internal.TestData;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.pki.TestKeys;

@Timeout(30)
class RevocationQueueTest {
    static final List<RevocationRoute> CUSTODIAN = List.of(RevocationRoute.CUSTODIAN_ACCOUNT);

    @TempDir
    Path dir;

    private TestStores stores;

    /** The database the journal lives in: H2 here, PostgreSQL in the subclass. */
    TestStores newStores() throws Exception {
        return TestStores.h2(dir);
    }

    // one instance id: a queue built again on the same journal is this instance restarted
    TicketJournal journal() throws Exception {
        if (stores == null) {
            stores = newStores();
        }
        return stores.journal("test-instance", Duration.ofSeconds(30), Clock.systemUTC());
    }

    @AfterEach
    void closeStores() {
        if (stores != null) {
            stores.close();
        }
    }

    final FakeCa ca = new FakeCa();
    private final FakeInventory inventory = new FakeInventory()
            .add(TestData.record("gw", DeviceKind.GATEWAY, "a0", TestData.ACCOUNT))
            .add(TestData.record("sensor-1", DeviceKind.SENSOR, "a1", TestData.ACCOUNT))
            .add(TestData.record("sensor-2", DeviceKind.SENSOR, "a2", TestData.ACCOUNT));
    private final List<String> audit = Collections.synchronizedList(new ArrayList<>());
    private KeyPair escrowed;

    RevocationQueue queue(List<RevocationRoute> routes) throws Exception {
        RevocationQueue.Facts facts = new RevocationQueue.Facts() {
            @Override
            public Optional<CertificateRecord> certificate(String serial) {
                return inventory.getBySerial(serial);
            }

            @Override
            public Optional<KeyPair> escrowedKey(String accountUrl) {
                return Optional.ofNullable(escrowed);
            }
        };
        RevocationQueue.Listener listener = new RevocationQueue.Listener() {
            @Override
            public void audit(String event, Map<String, Object> fields) {
                audit.add(event + " " + fields);
            }

            @Override
            public void settled(RevocationTicket ticket) {
                audit.add("SETTLED " + ticket.getState());
            }
        };
        return new RevocationQueue(
                ca,
                facts,
                journal(),
                routes,
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), new SplittableRandom(1)),
                Clock.systemUTC(),
                listener,
                2);
    }

    static Ticket ticket(String id, RevocationTarget target, List<String> accounts, String... serials) {
        List<Ticket.Cert> certs = new ArrayList<>();
        for (String s : serials) {
            certs.add(new Ticket.Cert(s, "dev-" + s));
        }
        RevocationRequest r = RevocationRequest.builder()
                .target(target)
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("monitor")
                .nonce("n-" + id)
                .issuedAt(Instant.now())
                .build();
        return Ticket.accepted(id, "jws", r, Instant.now(), certs, accounts);
    }

    static RevocationTicket settled(RevocationQueue q, String id) throws Exception {
        return q.whenSettled(id).get(20, TimeUnit.SECONDS);
    }

    @Test
    void ticketsQueuedWhileTheCaIsDownSurviveARestartAndAreRevokedOnce() throws Exception {
        ca.down = true;
        try (RevocationQueue first = queue(CUSTODIAN)) {
            first.enqueue(ticket("t1", RevocationTarget.device("x"), List.of(), "a1", "a2"));
            Awaitility.await("three attempts at the unreachable CA")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> first.ticket("t1").get().snapshot().getAttempts() >= 3);
            RevocationTicket retrying = first.ticket("t1").get().snapshot();
            assertEquals(TicketState.RETRYING, retrying.getState());
            assertTrue(retrying.getDetail().orElse("").contains("unreachable"), retrying.toString());
        }
        ca.down = false;
        try (RevocationQueue second = queue(CUSTODIAN)) {
            List<Ticket> resumed = second.resume();
            assertEquals(List.of("t1"), resumed.stream().map(Ticket::id).toList());
            RevocationTicket t = settled(second, "t1");
            assertEquals(TicketState.REVOKED, t.getState());
            assertEquals(List.of("a1", "a2"), ca.revokedNow.stream().sorted().toList(), "each revoked exactly once");
        }
        // and a third start finds it settled: nothing is sent again
        int calls = ca.calls.size();
        try (RevocationQueue third = queue(CUSTODIAN)) {
            assertTrue(third.resume().isEmpty());
            assertEquals(TicketState.REVOKED, settled(third, "t1").getState());
        }
        assertEquals(calls, ca.calls.size());
    }

    @Test
    void aRevocationWhoseAnswerWasLostEndsAsAlreadyRevokedNotAsASecondRevocation() throws Exception {
        ca.answersToLose = 1;
        try (RevocationQueue q = queue(CUSTODIAN)) {
            q.enqueue(ticket("t2", RevocationTarget.certificate("a1"), List.of(), "a1"));
            RevocationTicket t = settled(q, "t2");
            assertEquals(TicketState.REVOKED, t.getState());
            assertEquals(
                    "alreadyRevoked", t.getCertificates().get(0).getCaAnswer().orElse(""));
            assertEquals(List.of("a1"), ca.revokedNow);
        }
    }

    @Test
    void aRefusedRouteFallsBackToTheNextAndEveryRefusedRouteFailsTheTicket() throws Exception {
        ca.refusedRoutes.add(RevocationRoute.AUTHORIZATION_HOLDER);
        try (RevocationQueue q =
                queue(List.of(RevocationRoute.AUTHORIZATION_HOLDER, RevocationRoute.CUSTODIAN_ACCOUNT))) {
            q.enqueue(ticket("t3", RevocationTarget.certificate("a1"), List.of(), "a1"));
            RevocationTicket t = settled(q, "t3");
            assertEquals(TicketState.REVOKED, t.getState());
            assertEquals(
                    RevocationRoute.CUSTODIAN_ACCOUNT,
                    t.getCertificates().get(0).getRoute().orElseThrow());
            assertEquals(List.of("a1/AUTHORIZATION_HOLDER", "a1/CUSTODIAN_ACCOUNT"), ca.calls);
            assertTrue(
                    audit.stream().anyMatch(a -> a.startsWith("ROUTE_REFUSED") && a.contains("AUTHORIZATION_HOLDER")));
        }
        try (RevocationQueue q =
                queue(List.of(RevocationRoute.AUTHORIZATION_HOLDER, RevocationRoute.ESCROWED_ACCOUNT_KEY))) {
            q.enqueue(ticket("t4", RevocationTarget.certificate("a2"), List.of(), "a2"));
            RevocationTicket t = settled(q, "t4");
            assertEquals(TicketState.FAILED, t.getState());
            assertEquals(
                    CertificateRevocation.State.FAILED,
                    t.getCertificates().get(0).getState());
            assertTrue(t.getDetail().orElse("").contains("escrow"), t.toString());
            assertFalse(ca.revoked.contains("a2"));
        }
    }

    @Test
    void aCompromisedGatewaysAccountIsDeactivatedWithTheEscrowedKeyOnlyOnce() throws Exception {
        try (RevocationQueue q = queue(CUSTODIAN)) {
            q.enqueue(ticket("t5", RevocationTarget.compromisedGateway("gw"), List.of(TestData.ACCOUNT), "a0", "a1"));
            RevocationTicket without = settled(q, "t5");
            assertEquals(TicketState.FAILED, without.getState(), "no escrowed key, the account stays active");
            assertFalse(without.isAccountDeactivated());
        }
        escrowed = TestKeys.ec("secp256r1");
        try (RevocationQueue q = queue(CUSTODIAN)) {
            q.enqueue(ticket(
                    "t6", RevocationTarget.compromisedGateway("gw"), List.of(TestData.ACCOUNT), "a0", "a1", "a2"));
            RevocationTicket t = settled(q, "t6");
            assertEquals(TicketState.REVOKED, t.getState(), t.toString());
            assertTrue(t.isAccountDeactivated());
            assertEquals(Set.of(TestData.ACCOUNT), ca.deactivated);
        }
    }
}
