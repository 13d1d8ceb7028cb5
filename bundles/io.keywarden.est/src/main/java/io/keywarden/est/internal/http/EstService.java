package io.keywarden.est.internal.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.est.internal.audit.EstAudit;
import io.keywarden.est.internal.auth.Authenticator;
import io.keywarden.est.internal.auth.EnrollmentCodeStore;
import io.keywarden.est.internal.auth.Requester;
import io.keywarden.est.internal.enroll.EnrollmentFront;
import io.keywarden.est.internal.enroll.EnrollmentFront.Issued;
import io.keywarden.est.internal.enroll.EnrollmentFront.Outcome;
import io.keywarden.est.internal.policy.CsrPolicy;
import io.keywarden.est.internal.policy.KeyIds;
import io.keywarden.est.internal.policy.ParsedCsr;
import io.keywarden.est.internal.policy.Refusal;

/**
 * The EST operations without HTTP: who may enroll which names with which key, and what each answer holds. The
 * handler maps them to RFC 7030 requests and responses.
 */
public final class EstService {
    /**
     * One enrollment request as the handler read it.
     *
     * @param connection takes a place for the authenticated device on the request's connection, within its cap
     */
    public record EnrollRequest(
            String operation,
            byte[] csrDer,
            X509Certificate[] tlsChain,
            String authorization,
            String source,
            DeviceSlot connection) {}

    /** The per-device connection cap, as seen from here. */
    @FunctionalInterface
    public interface DeviceSlot {
        /** Attaches the device to the request's connection; false when it already holds as many as it may. */
        boolean take(String deviceId);
    }

    private final Authenticator auth;
    private final CsrPolicy policy;
    private final EnrollmentFront front;
    private final EnrollmentCodeStore codes;
    private final EstAudit audit;
    private final Supplier<List<X509Certificate>> caChain;

    public EstService(
            Authenticator auth,
            CsrPolicy policy,
            EnrollmentFront front,
            EnrollmentCodeStore codes,
            EstAudit audit,
            Supplier<List<X509Certificate>> caChain) {
        this.auth = auth;
        this.policy = policy;
        this.front = front;
        this.codes = codes;
        this.audit = audit;
        this.caChain = caChain;
    }

    /** The chain the CA issues under, issuers only (from the gateway's own current certificate). */
    public List<X509Certificate> caCertificates() throws Refusal {
        List<X509Certificate> chain = caChain.get();
        if (chain.isEmpty()) {
            throw new Refusal(503, "the gateway has no certificate from its CA yet");
        }
        return chain;
    }

    /**
     * simpleenroll, serverkeygen (first enrollment) and simplereenroll. Refusals found at once are thrown; the answer
     * completes later (certificate, "later", or a {@link Refusal} when the CA refused), delivered and audited then.
     */
    public CompletableFuture<Outcome> enroll(EnrollRequest r) throws Refusal, IOException {
        boolean reenroll = "simplereenroll".equals(r.operation());
        if (!reenroll && (r.tlsChain() == null || r.tlsChain().length == 0) && r.authorization() == null) {
            // no credentials at all: asked for them before any work is spent on the body (clients with a code send
            // every request once without, RFC 7030 3.2.3)
            throw new Refusal(
                    401,
                    "credentials required: a manufacturer certificate or an enrollment code",
                    "no credentials",
                    null);
        }
        ParsedCsr csr = policy.parse(r.csrDer());
        Requester who = reenroll
                ? auth.current(r.tlsChain())
                : auth.bootstrap(r.tlsChain(), r.authorization(), r.source(), csr.getKeyId());
        if (!r.connection().take(who.deviceId())) {
            throw new Refusal(
                    429,
                    "device " + who.deviceId() + " already holds as many connections as it may; try later",
                    "device " + who.deviceId() + " over its connection cap",
                    who.deviceId());
        }
        try {
            if (reenroll) {
                policy.checkSameIdentity(csr, who.presented().getCertificate(), who.deviceId());
            } else {
                auth.checkNotContained(who);
                policy.checkNames(csr, who.deviceClass().allowedNames(who.deviceId()), who.deviceId());
            }
            return front.enroll(who, csr, "serverkeygen".equals(r.operation())).thenApply(o -> {
                if (o instanceof Issued issued) {
                    try {
                        delivered(r, who, issued.record());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return o;
            });
        } catch (Refusal e) {
            throw e.forDevice(who.deviceId());
        }
    }

    private void delivered(EnrollRequest r, Requester who, CertificateRecord record) throws IOException {
        if (who.method() == Requester.Method.CODE) {
            codes.consume(who.deviceId());
        }
        boolean rekey = who.presented() != null
                && !KeyIds.of(who.presented().getCertificate().getPublicKey().getEncoded())
                        .equals(EnrollmentFront.keyId(record));
        audit.issued(r.operation(), who.deviceId(), who.method().label(), record.getSerial(), rekey, r.source());
    }
}
