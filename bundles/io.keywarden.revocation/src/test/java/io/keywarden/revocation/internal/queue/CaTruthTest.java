package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

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

/**
 * A compromised gateway's ticket is settled from what the CA lists for the pinned account, not from what the gateway
 * reported; the difference is an incident, and the certificates only the CA named are added, denied and revoked.
 */
@Timeout(30)
class CaTruthTest {
    private static final String REAL = "https://ca.example/acme/acct/7";
    private static final String MADE_UP = "https://ca.example/acme/acct/made-up";

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

    private final FakeCa ca = new FakeCa();
    private final KeyPair accountKey = TestKeys.ec();
    // the lying report: the gateway's own certificate under a made-up account, and one certificate the CA never issued
    private final FakeInventory reports = new FakeInventory()
            .add(TestData.record("gw", DeviceKind.GATEWAY, "a0", MADE_UP))
            .add(TestData.record("ghost", DeviceKind.SENSOR, "f9", MADE_UP));
    private final List<String> incidents = Collections.synchronizedList(new ArrayList<>());
    private final List<List<String>> extended = Collections.synchronizedList(new ArrayList<>());

    private RevocationQueue queue() throws Exception {
        RevocationQueue.Facts facts = new RevocationQueue.Facts() {
            @Override
            public Optional<CertificateRecord> certificate(String serial) {
                return reports.getBySerial(serial);
            }

            @Override
            public Optional<KeyPair> escrowedKey(String accountUrl) {
                return REAL.equals(accountUrl) ? Optional.of(accountKey) : Optional.empty();
            }

            @Override
            public Optional<String> pinnedAccount(String gatewayId) {
                return "gw".equals(gatewayId) ? Optional.of(REAL) : Optional.empty();
            }
        };
        RevocationQueue.Listener listener = new RevocationQueue.Listener() {
            @Override
            public void audit(String event, Map<String, Object> fields) {}

            @Override
            public void settled(RevocationTicket ticket) {}

            @Override
            public void incident(
                    String kind, String gatewayId, String detail, List<String> serials, Map<String, Object> more) {
                incidents.add(kind + " " + gatewayId + " " + new TreeSet<>(serials) + " " + more.get("unreported") + " "
                        + more.get("notAtCa"));
            }

            @Override
            public void extended(Ticket ticket) {
                extended.add(ticket.serials());
            }
        };
        return new RevocationQueue(
                ca,
                facts,
                journal(),
                List.of(RevocationRoute.CUSTODIAN_ACCOUNT, RevocationRoute.ESCROWED_ACCOUNT_KEY),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), new SplittableRandom(1)),
                Clock.systemUTC(),
                listener,
                1);
    }

    private static Ticket compromised(String id, List<String> accounts, String... serials) {
        List<Ticket.Cert> certs = new ArrayList<>();
        for (String s : serials) {
            certs.add(new Ticket.Cert(s, "dev-" + s));
        }
        RevocationRequest r = RevocationRequest.builder()
                .target(RevocationTarget.of(RevocationTarget.Kind.COMPROMISED_GATEWAY, "gw"))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("fleet")
                .nonce("n-" + id)
                .issuedAt(Instant.now())
                .build();
        return Ticket.accepted(id, "jws", r, Instant.now(), certs, accounts);
    }

    @Test
    void everyCertificateTheCaListsIsRevokedAndTheRealAccountDeactivatedWhateverWasReported() throws Exception {
        ca.refusedRoutes.add(RevocationRoute.CUSTODIAN_ACCOUNT); // the authority's own account ordered none of them
        ca.accountKeys.put(REAL, accountKey.getPublic());
        ca.orders.put(
                REAL,
                List.of(
                        TestData.record("gw", DeviceKind.GATEWAY, "a0", REAL).getChain(),
                        TestData.record("s1", DeviceKind.SENSOR, "b1", REAL).getChain(),
                        TestData.record("s2", DeviceKind.SENSOR, "b2", REAL).getChain()));
        try (RevocationQueue q = queue()) {
            q.enqueue(compromised("t1", List.of(MADE_UP), "a0", "f9"));
            RevocationTicket t = q.whenSettled("t1").get(20, TimeUnit.SECONDS);

            assertEquals(Set.of("a0", "b1", "b2"), ca.revoked, "the CA's list, not the report");
            assertEquals(Set.of(REAL), ca.deactivated, "the pinned account, not the made-up one");
            assertEquals(List.of(List.of("a0", "f9", "b1", "b2")), extended);
            assertEquals(
                    List.of("CA_DISCREPANCY gw [b1, b2, f9] [b1, b2] [f9]"),
                    incidents,
                    "unreported at the CA: b1, b2; reported, not at the CA: f9");
            for (CertificateRevocation c : t.getCertificates()) {
                if (!c.getSerial().equals("f9")) {
                    assertEquals(CertificateRevocation.State.REVOKED, c.getState(), c.toString());
                    assertEquals(Optional.of(RevocationRoute.ESCROWED_ACCOUNT_KEY), c.getRoute(), c.toString());
                }
            }
            // the certificate the CA never issued cannot be revoked: the ticket says so
            assertEquals(TicketState.FAILED, t.getState());
            assertTrue(t.isAccountDeactivated());
        }
        // after a restart the journal holds the added certificates, and the incident is not raised again
        try (RevocationQueue q = queue()) {
            assertEquals(List.of(), q.resume(), "settled, nothing to resume");
            assertEquals(List.of("a0", "f9", "b1", "b2"), q.all().get(0).serials(), "listed from the journal");
            assertEquals(
                    List.of("a0", "f9", "b1", "b2"),
                    q.ticket("t1").orElseThrow().serials());
            assertEquals(1, incidents.size());
        }
    }

    @Test
    void aCaThatRefusesTheEscrowedKeyIsAnIncidentAndTheReportsStillCount() throws Exception {
        ca.accountKeys.put(REAL, TestKeys.ec().getPublic()); // rolled over behind the authority's back
        ca.refusedRoutes.add(RevocationRoute.CUSTODIAN_ACCOUNT);
        try (RevocationQueue q = queue()) {
            q.enqueue(compromised("t2", List.of(MADE_UP), "a0"));
            RevocationTicket t = q.whenSettled("t2").get(20, TimeUnit.SECONDS);
            assertEquals(1, incidents.size(), incidents.toString());
            assertTrue(incidents.get(0).startsWith("CA_LISTING_REFUSED gw"), incidents.toString());
            assertEquals(TicketState.FAILED, t.getState(), "nothing could be revoked with a locked-out key");
            assertEquals(
                    List.of("a0"),
                    t.getCertificates().stream()
                            .map(CertificateRevocation::getSerial)
                            .toList());
        }
    }
}
