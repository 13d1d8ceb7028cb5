package io.keywarden.est.internal.enroll;

import static java.util.Objects.requireNonNull;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.est.internal.auth.Requester;
import io.keywarden.est.internal.policy.KeyIds;
import io.keywarden.est.internal.policy.ParsedCsr;
import io.keywarden.est.internal.policy.Refusal;

/**
 * Turns an authenticated EST request into (at most) one order through the ACME bundle. An order not finished within a
 * short wait is answered "come back later" (202, RFC 7030 §4.2.3) and kept, keyed on the device and the CSR's public
 * key, for the client's retry. After a restart the map is empty, and the ACME bundle's own journal has resumed the
 * order: the retry then finds the device enrolling (202 again) or its new certificate for that very key (delivered,
 * nothing ordered).
 */
public final class EnrollmentFront {
    /** What a request gets. */
    public sealed interface Outcome permits Issued, Later {}

    /** The certificate, and for server-side key generation the key made for it. */
    public record Issued(CertificateRecord record, PrivateKey serverKey) implements Outcome {}

    /** Not yet: ask again after this many seconds. */
    public record Later(int retryAfterSeconds) implements Outcome {}

    private record Pending(
            String deviceId, CompletableFuture<CertificateRecord> order, KeyPair serverKey, Instant created) {}

    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private final SensorEnrollmentService sensors;
    private final Duration wait;
    private final int retryAfterSeconds;
    private final int maxPending;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[64];

    public EnrollmentFront(
            SensorEnrollmentService sensors, Duration wait, int retryAfterSeconds, int maxPending, Clock clock) {
        this.sensors = requireNonNull(sensors, "sensors");
        this.wait = wait;
        this.retryAfterSeconds = retryAfterSeconds;
        this.maxPending = maxPending;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Enrollment or re-enrollment of {@code who} for the CSR's key (or, with server key generation, a new key). The
     * answer completes when the certificate is there or the short wait is over, on another thread: no request thread
     * waits for the CA. It fails with a {@link Refusal} when the CA refused.
     */
    public CompletableFuture<Outcome> enroll(Requester who, ParsedCsr csr, boolean serverKeyGen) throws Refusal {
        String id = who.deviceId();
        String key = id + "/" + csr.getKeyId() + (serverKeyGen ? "/server" : "");
        Pending p;
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            p = pending.get(key);
            if (p == null) {
                Optional<Outcome> answered = answerWithoutOrdering(who, csr, serverKeyGen);
                if (answered.isPresent()) {
                    return CompletableFuture.completedFuture(answered.get());
                }
                p = order(who, csr, serverKeyGen);
                pending.put(key, p);
            }
        }
        return await(key, p);
    }

    private Optional<Outcome> answerWithoutOrdering(Requester who, ParsedCsr csr, boolean serverKeyGen) throws Refusal {
        String id = who.deviceId();
        for (Pending other : pending.values()) {
            if (other.deviceId().equals(id) && !other.order().isDone()) {
                throw new Refusal(
                        409,
                        "another enrollment of " + id + " (another key) is in progress",
                        "enrollment with another key in progress",
                        id);
            }
        }
        Optional<CertificateRecord> current =
                sensors.getCertificate(id).filter(c -> clock.instant().isBefore(c.getNotAfter()));
        boolean currentHasThisKey =
                current.isPresent() && !serverKeyGen && keyId(current.get()).equals(csr.getKeyId());
        CertificateRecord presented = who.presented();
        if (presented != null && presented.getStatus() != CertificateStatus.CURRENT) {
            // the client renews with a certificate already replaced: the retry of the request that replaced it, or
            // the gateway renewed it meanwhile for the same key (which the sensor holds): that key still speaks for it
            if (currentHasThisKey && !current.get().getIssuedAt().isBefore(presented.getIssuedAt())) {
                return Optional.of(new Issued(current.get(), null));
            }
            boolean renewedForSameKey = current.isPresent()
                    && keyId(current.get()).equals(keyId(presented))
                    && !current.get().getIssuedAt().isBefore(presented.getIssuedAt());
            if (!renewedForSameKey) {
                throw Refusal.forbidden("the certificate presented has been replaced; renew with the current one", id);
            }
        }
        if (presented == null && currentHasThisKey) {
            return Optional.of(new Issued(current.get(), null));
        }
        EnrollmentState state = sensors.getStatus(id).getState();
        if (state == EnrollmentState.ENROLLING || state == EnrollmentState.RETRYING) {
            // e.g. the order of a request made before a restart, resumed by the ACME bundle: wait for it
            return Optional.of(new Later(retryAfterSeconds));
        }
        return Optional.empty();
    }

    private Pending order(Requester who, ParsedCsr csr, boolean serverKeyGen) throws Refusal {
        purgeStale();
        if (pending.size() >= maxPending) {
            throw new Refusal(503, "too many enrollments in progress; try later", "pending table full", who.deviceId());
        }
        KeyPair serverKey = serverKeyGen ? ServerKeys.generate() : null;
        String csrPem = serverKeyGen
                ? ServerKeys.csrPem(serverKey, csr.getSubject(), csr.getDnsNames())
                : ServerKeys.pem(csr.getEncoded());
        SensorEnrollmentRequest.Builder b =
                SensorEnrollmentRequest.builder(who.deviceId()).csrPem(csrPem);
        new TreeSet<>(csr.getDnsNames()).forEach(b::dnsName);
        CompletableFuture<CertificateRecord> f = sensors.enroll(b.build()).toCompletableFuture();
        return new Pending(who.deviceId(), f, serverKey, clock.instant());
    }

    /**
     * The answer for this request: the order's outcome if it comes within the wait, else "later". An outcome is taken
     * out of the table only by the request that delivers it; one that arrives after its request was told "later"
     * stays for the retry (a server-generated key exists nowhere else).
     */
    private CompletableFuture<Outcome> await(String key, Pending p) {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        p.order().whenComplete((record, failure) -> {
            boolean delivered = failure == null
                    ? answer.complete(new Issued(
                            record, p.serverKey() == null ? null : p.serverKey().getPrivate()))
                    : answer.completeExceptionally(refusal(failure, p.deviceId()));
            if (delivered) {
                pending.remove(key, p);
            }
        });
        return answer.completeOnTimeout(new Later(retryAfterSeconds), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Refusal refusal(Throwable failure, String deviceId) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String msg = cause instanceof EnrollmentException ee ? ee.getMessage() : String.valueOf(cause);
        if (msg != null && msg.startsWith("enrollment request rejected")) {
            return new Refusal(400, msg, msg, deviceId);
        }
        return new Refusal(500, "the CA did not issue a certificate: " + msg, "order failed: " + msg, deviceId);
    }

    private void purgeStale() {
        Instant limit = clock.instant().minus(FORGET_AFTER);
        pending.entrySet()
                .removeIf(e -> e.getValue().created().isBefore(limit)
                        && e.getValue().order().isDone());
    }

    /** Orders not yet collected by their clients. */
    public int pendingCount() {
        return pending.size();
    }

    public static String keyId(CertificateRecord r) {
        return KeyIds.of(r.getCertificate().getPublicKey().getEncoded());
    }
}
