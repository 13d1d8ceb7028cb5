package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationProgress;
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

/**
 * The parallel workers against a CA that rate-limits: every worker waits out the CA's Retry-After (on a clock that
 * only moves when a worker waits, so "nothing was sent during the pause" is a fact, not a timing), nothing is lost,
 * and the progress counts the refusals by reason.
 */
@Timeout(60)
class CaRevokerTest {
    private static final int CERTS = 60;
    private static final int PARALLEL = 6;

    @TempDir
    Path dir;

    /** A clock that moves only when a worker sleeps: to the end of what it sleeps for. */
    static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T20:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advanceTo(Instant t) {
            now.accumulateAndGet(t, (a, b) -> b.isAfter(a) ? b : a);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A CA that rate-limits every {@code every}-th request with a Retry-After of 2 s, and records what it saw. */
    static final class RateLimitingCa implements CaOperations {
        final ManualClock clock;
        final int every;
        final List<String> revoked = Collections.synchronizedList(new ArrayList<>());
        /** Requests that arrived while the CA had asked to be left alone, after its answer was out. */
        final List<Instant> ignoredPauses = Collections.synchronizedList(new ArrayList<>());

        int requests;
        int refused;
        Instant quietUntil = Instant.MIN;
        int inFlight;
        int maxInFlight;

        RateLimitingCa(ManualClock clock, int every) {
            this.clock = clock;
            this.every = every;
        }

        @Override
        public RevocationOutcome revoke(
                CertificateRecord c, RevocationReason reason, RevocationRoute route, KeyPair key)
                throws CaOperationException {
            Instant now = clock.instant();
            int n;
            synchronized (this) {
                n = ++requests;
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                if (now.isBefore(quietUntil)) {
                    ignoredPauses.add(now);
                }
            }
            try {
                Thread.sleep(2); // a round trip, so that workers overlap
                synchronized (this) {
                    // this request's own number: the count read after the round trip may have moved past every
                    // multiple while other workers' requests arrived (CI once saw no request refused at all)
                    if (n % every == 0) {
                        refused++;
                        quietUntil = now.plusSeconds(2);
                        throw new CaOperationException(
                                "rate limited", null, true, "urn:ietf:params:acme:error:rateLimited", quietUntil);
                    }
                    revoked.add(c.getSerial());
                }
                return RevocationOutcome.REVOKED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CaOperationException("interrupted", e, true, null, null);
            } finally {
                synchronized (this) {
                    inFlight--;
                }
            }
        }

        @Override
        public boolean deactivateAccount(String accountUrl, KeyPair accountKey) {
            return true;
        }

        @Override
        public String verifyAccount(String directoryUrl, String accountUrl, KeyPair accountKey) {
            return "valid";
        }

        @Override
        public List<java.util.List<java.security.cert.X509Certificate>> listCertificates(
                String accountUrl, KeyPair accountKey) {
            return List.of();
        }
    }

    @Test
    void everyWorkerWaitsOutTheRetryAfterAndEveryCertificateEndsRevoked() throws Exception {
        ManualClock clock = new ManualClock();
        RateLimitingCa ca = new RateLimitingCa(clock, 7);
        FakeInventory inventory = new FakeInventory();
        List<Ticket.Cert> certs = new ArrayList<>();
        for (int i = 0; i < CERTS; i++) {
            String serial = Integer.toHexString(0x100 + i);
            inventory.add(TestData.record("sensor-" + i, DeviceKind.SENSOR, serial, TestData.ACCOUNT));
            certs.add(new Ticket.Cert(serial, "sensor-" + i));
        }
        List<RevocationProgress> progress = Collections.synchronizedList(new ArrayList<>());
        List<Instant> postedAt = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> finals = Collections.synchronizedList(new ArrayList<>());
        List<String> audit = Collections.synchronizedList(new ArrayList<>());
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(30), new SplittableRandom(1));
        CaThrottle throttle =
                new CaThrottle(clock, d -> clock.advanceTo(clock.instant().plus(d)), Duration.ofMinutes(1));
        CaRevoker revoker = new CaRevoker(PARALLEL, throttle, backoff, clock);
        RevocationQueue.Listener listener = new RevocationQueue.Listener() {
            @Override
            public void audit(String event, Map<String, Object> fields) {
                audit.add(event);
            }

            @Override
            public void settled(RevocationTicket ticket) {}

            @Override
            public void progress(RevocationProgress p, boolean last) {
                progress.add(p);
                postedAt.add(clock.instant());
                finals.add(last);
            }
        };
        RevocationQueue.Facts facts = new RevocationQueue.Facts() {
            @Override
            public Optional<CertificateRecord> certificate(String serial) {
                return inventory.getBySerial(serial);
            }

            @Override
            public Optional<KeyPair> escrowedKey(String accountUrl) {
                return Optional.empty();
            }
        };
        try (TestStores stores = TestStores.h2(dir);
                RevocationQueue queue = new RevocationQueue(
                        ca,
                        facts,
                        stores.journal("test-instance", Duration.ofSeconds(30), Clock.systemUTC()),
                        List.of(RevocationRoute.CUSTODIAN_ACCOUNT),
                        backoff,
                        clock,
                        listener,
                        1,
                        revoker)) {
            Ticket t = Ticket.accepted("mass", "signed", request(), clock.instant(), certs, List.of());
            queue.enqueue(t);
            RevocationTicket done = queue.whenSettled("mass").get(50, TimeUnit.SECONDS);

            assertEquals(TicketState.REVOKED, done.getState(), done.toString());
            assertTrue(
                    done.getCertificates().stream().allMatch(c -> c.getState() == CertificateRevocation.State.REVOKED));
            assertEquals(CERTS, ca.revoked.size(), "each certificate revoked once at the CA");
            assertTrue(ca.refused > 0, "the CA rate-limited some requests");
            assertTrue(ca.maxInFlight > 1, "requests ran side by side: " + ca.maxInFlight);
            assertTrue(ca.maxInFlight <= PARALLEL, "never more than the ceiling in flight: " + ca.maxInFlight);
            // the ones already on their way when the CA answered may arrive; nothing sent after the pause began
            assertTrue(
                    ca.ignoredPauses.size() <= (long) ca.refused * (PARALLEL - 1),
                    "requests during the CA's pauses: " + ca.ignoredPauses.size() + " for " + ca.refused + " pauses");
            assertTrue(throttle.pauses() >= 1);

            RevocationProgress last = progress.get(progress.size() - 1);
            assertEquals(CERTS, last.getTotal());
            assertEquals(CERTS, last.getRevoked());
            assertEquals(0, last.getPending());
            assertEquals(Map.of("rateLimited", (long) ca.refused), last.getFailures());
            assertEquals(last.toString(), queue.progress("mass").orElseThrow().toString());
            assertTrue(queue.running().isEmpty());
            assertEquals(List.of(true), finals.subList(finals.size() - 1, finals.size()), "a final event last");
            assertEquals(1, finals.stream().filter(f -> f).count(), "one final event");
            for (int i = 1; i < postedAt.size() - 1; i++) {
                assertTrue(
                        !postedAt.get(i).isBefore(postedAt.get(i - 1).plus(RevocationQueue.PROGRESS_EVERY)),
                        "at most one progress event a second: " + postedAt);
            }
            assertEquals(CERTS, audit.stream().filter("REVOKED_AT_CA"::equals).count());
            assertEquals(
                    ca.refused, audit.stream().filter("CA_UNAVAILABLE"::equals).count());
        }
    }

    private static RevocationRequest request() {
        return RevocationRequest.builder()
                .target(RevocationTarget.device("sensor-0"))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("ops")
                .nonce("n-mass")
                .issuedAt(Instant.parse("2026-12-06T20:00:00Z"))
                .build();
    }
}
