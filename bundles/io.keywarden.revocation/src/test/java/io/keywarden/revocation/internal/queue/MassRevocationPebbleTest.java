package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.challenge.ChallengeSolvers;
import io.keywarden.acme.internal.challenge.Http01Solver;
import io.keywarden.acme.internal.challenge.StandaloneHttp01;
import io.keywarden.acme.internal.client.AcmeCaOperations;
import io.keywarden.acme.internal.client.AcmeClient;
import io.keywarden.acme.internal.client.IssuedCertificate;
import io.keywarden.acme.internal.client.OrderRequest;
import io.keywarden.acme.internal.config.ChallengeSelection;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.pebble.NginxFront;
import io.keywarden.testing.pebble.PebbleHarness;

/**
 * Mass revocation through the escrowed account key against a real Pebble 2.4 behind a real nginx that limits
 * revokeCert requests to 20 a second (burst 5), as a CA's front end does: over the limit it answers either an RFC 8555 §6.6
 * {@code rateLimited} problem (HTTP 429) or a bare HTTP 503, each with {@code Retry-After: 2}. The eight workers
 * pause for every such answer (at most one refused request per worker and pause: nothing is sent while paused),
 * every refusal is counted in the ticket's progress under its reason, nothing is lost, and every certificate ends
 * Revoked at Pebble, each revoked once.
 */
@Timeout(240)
class MassRevocationPebbleTest {
    private static final int CERTS = 30;
    private static final int PARALLEL = 8;
    private static PebbleHarness pebble;
    private static StandaloneHttp01 responder;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        pebble = PebbleHarness.builder(work.resolve("pebble")).build().start();
        responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort());
    }

    @AfterAll
    static void stop() {
        if (responder != null) {
            responder.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    void rateLimitedProblemsPauseTheWorkersAndEveryCertificateEndsRevoked() throws Exception {
        massRevocation(NginxFront.Refusal.RATE_LIMITED, "rateLimited");
    }

    @Test
    void busyAnswersWithRetryAfterPauseTheWorkersAndEveryCertificateEndsRevoked() throws Exception {
        massRevocation(NginxFront.Refusal.BUSY, "busy");
    }

    private void massRevocation(NginxFront.Refusal refusal, String reason) throws Exception {
        Path dir = work.resolve(refusal.name());
        String domain = (refusal == NginxFront.Refusal.BUSY ? "busy" : "limited") + ".keywarden.test";
        try (NginxFront front = NginxFront.start(pebble, dir.resolve("nginx"), refusal, 20, 5, 2)) {
            // a gateway orders its certificates through the front (its account URL names the front)
            Path gwData = dir.resolve("gateway");
            AcmeClient gateway = client(front, gwData, "gw." + domain);
            Map<String, CertificateRecord> records = new ConcurrentHashMap<>();
            for (int i = 0; i < CERTS; i++) {
                String name = "s" + i + "." + domain;
                IssuedCertificate c = gateway.order(OrderRequest.withKey(List.of(name), KeyType.EC_P256.generate()));
                CertificateRecord r = record("sensor-" + i, name, c);
                records.put(r.getSerial(), r);
            }
            String account = gateway.accountUrl().orElseThrow();
            KeyPair accountKey = new StateStore(gwData).accountKey(front.directoryUrl(), () -> {
                throw new AssertionError("the gateway has an account key");
            });
            assertTrue(front.revocations().isEmpty());

            // the authority revokes them all with the escrowed key, eight requests in flight
            Path authData = dir.resolve("authority");
            AcmeCaOperations ca =
                    new AcmeCaOperations(client(front, authData, "authority." + domain), new StateStore(authData));
            List<RevocationProgress> progress = new ArrayList<>();
            RevocationQueue.Listener listener = new RevocationQueue.Listener() {
                @Override
                public void audit(String event, Map<String, Object> fields) {}

                @Override
                public void settled(RevocationTicket ticket) {}

                @Override
                public synchronized void progress(RevocationProgress p, boolean last) {
                    progress.add(p);
                }
            };
            RevocationQueue.Facts facts = new RevocationQueue.Facts() {
                @Override
                public Optional<CertificateRecord> certificate(String serial) {
                    return Optional.ofNullable(records.get(serial));
                }

                @Override
                public Optional<KeyPair> escrowedKey(String accountUrl) {
                    return account.equals(accountUrl) ? Optional.of(accountKey) : Optional.empty();
                }
            };
            try (TestStores stores = TestStores.h2(dir);
                    RevocationQueue queue = new RevocationQueue(
                            ca,
                            facts,
                            stores.journal("test-instance", Duration.ofSeconds(30), Clock.systemUTC()),
                            List.of(RevocationRoute.ESCROWED_ACCOUNT_KEY),
                            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), new SecureRandom()),
                            Clock.systemUTC(),
                            listener,
                            1,
                            new RevocationQueue.CaLimits(PARALLEL, Duration.ofSeconds(30)))) {
                List<Ticket.Cert> certs = new ArrayList<>();
                records.values().forEach(r -> certs.add(new Ticket.Cert(r.getSerial(), r.getDeviceId())));
                Ticket t = Ticket.accepted("mass-" + reason, "signed", request(), Instant.now(), certs, List.of());
                queue.enqueue(t);
                RevocationTicket done = queue.whenSettled(t.id()).get(180, TimeUnit.SECONDS);

                assertEquals(TicketState.REVOKED, done.getState(), done.toString());
                for (CertificateRevocation c : done.getCertificates()) {
                    assertEquals(CertificateRevocation.State.REVOKED, c.getState(), c.toString());
                    assertEquals("revoked", c.getCaAnswer().orElse(null), "revoked once, by this ticket: " + c);
                    assertTrue(pebble.certStatus(c.getSerial()).isRevoked(), c.getSerial() + " Revoked at Pebble");
                }
                List<NginxFront.Revocation> seen = front.revocations();
                int refusedStatus = refusal == NginxFront.Refusal.BUSY ? 503 : 429;
                long refused =
                        seen.stream().filter(r -> r.status() == refusedStatus).count();
                long passed = seen.stream().filter(r -> r.status() == 200).count();
                assertTrue(refused > 0, "the front refused some revocations: " + seen);
                assertEquals(CERTS, passed, "each certificate reached Pebble once: " + seen);
                // the rest are Pebble's own badNonce answers (it rejects a share of good nonces), which acme4j retries
                assertTrue(
                        seen.stream()
                                .allMatch(r -> r.status() == 200 || r.status() == refusedStatus || r.status() == 400),
                        seen.toString());
                RevocationProgress last = queue.progress(t.id()).orElseThrow();
                assertEquals(Map.of(reason, refused), last.getFailures(), "every refusal counted: " + last);
                assertEquals(CERTS, last.getRevoked());
                assertTrue(
                        refused <= queue.caPauses() * PARALLEL,
                        refused + " refusals in " + queue.caPauses() + " pauses: requests were sent during a pause");
                assertTrue(progress.get(progress.size() - 1).getDone() == CERTS);
            }
        }
    }

    private static AcmeClient client(NginxFront front, Path data, String name) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(GatewayOptions.KEY_DIRECTORY_URL, front.directoryUrl().toString());
        p.put(GatewayOptions.KEY_TRUST_ANCHOR, pebble.trustAnchorFile().toString());
        p.put(GatewayOptions.KEY_DNS_NAME, name);
        p.put(GatewayOptions.KEY_HTTP01_PORT, pebble.httpPort());
        p.put(GatewayOptions.KEY_HTTP01_BIND, "127.0.0.1");
        p.put(GatewayOptions.KEY_ORDER_TIMEOUT, 30);
        Files.createDirectories(data);
        return new AcmeClient(
                GatewayOptions.parse(p, data),
                new StateStore(data),
                new ChallengeSolvers(
                        ChallengeSelection.always(ChallengeTypes.HTTP_01),
                        Map.of(ChallengeTypes.HTTP_01, new Http01Solver(responder)),
                        id -> Optional.empty()),
                Clock.systemUTC());
    }

    private static CertificateRecord record(String device, String name, IssuedCertificate c) {
        X509Certificate leaf = c.getChain().get(0);
        return CertificateRecord.builder()
                .deviceId(device)
                .kind(DeviceKind.SENSOR)
                .identifiers(List.of(name))
                .serial(leaf.getSerialNumber().toString(16))
                .notBefore(leaf.getNotBefore().toInstant())
                .notAfter(leaf.getNotAfter().toInstant())
                .chain(c.getChain())
                .accountUrl(c.getAccountUrl())
                .keyCustody(KeyCustody.DEVICE)
                .status(CertificateStatus.CURRENT)
                .issuedAt(leaf.getNotBefore().toInstant())
                .build();
    }

    private static RevocationRequest request() {
        return RevocationRequest.builder()
                .target(RevocationTarget.device("mass"))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("ops")
                .nonce("n-" + System.nanoTime())
                .issuedAt(Instant.now())
                .build();
    }
}
