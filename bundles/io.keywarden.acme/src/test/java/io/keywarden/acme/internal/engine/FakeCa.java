package io.keywarden.acme.internal.engine;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import io.keywarden.acme.internal.client.CertificateAuthority;
import io.keywarden.acme.internal.client.IssuedCertificate;
import io.keywarden.acme.internal.client.OrderRequest;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.testing.pki.TestCa;

/** A hand-written CA for engine tests: signs with a local key, can be told to fail, records what it was asked. */
final class FakeCa implements CertificateAuthority {
    private final TestCa ca = TestCa.root("fake-ca");
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<List<String>> orders = Collections.synchronizedList(new ArrayList<>());
    volatile Duration validity = Duration.ofDays(90);
    volatile Duration latency = Duration.ZERO;
    /** Orders still to fail with a retryable error (the CA "down"). */
    final AtomicInteger transientFailures = new AtomicInteger();

    volatile boolean rejectPermanently;
    volatile RenewalPlanner.Window window;
    /** Resume URLs the engine handed in. */
    final List<String> resumed = Collections.synchronizedList(new ArrayList<>());
    /** The next order is created (and journaled), then the "process" dies before the certificate is recorded. */
    volatile boolean crashAfterCreate;

    @Override
    public IssuedCertificate order(OrderRequest request) throws EnrollmentException {
        List<String> names = request.getNames();
        KeyPair key = request.getKey().orElse(null);
        byte[] csrDer = request.getCsrDer().orElse(null);
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            if (transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new EnrollmentException("CA unreachable: connection refused", null, true);
            }
            if (rejectPermanently) {
                throw new EnrollmentException("CA refused (rejectedIdentifier)", null, false);
            }
            if (request.getResumeUrl().isPresent()) {
                resumed.add(request.getResumeUrl().get());
            } else {
                orders.add(List.copyOf(names));
                request.created("https://fake.example/order/" + orders.size());
            }
            if (crashAfterCreate) {
                crashAfterCreate = false;
                throw new IllegalStateException("simulated crash after the order was created");
            }
            PublicKey pub = key != null
                    ? key.getPublic()
                    : KeyFactory.getInstance("EC")
                            .generatePublic(new X509EncodedKeySpec(new PKCS10CertificationRequest(csrDer)
                                    .getSubjectPublicKeyInfo()
                                    .getEncoded()));
            Instant nb = Instant.now();
            List<X509Certificate> chain = ca.leaf(names.get(0))
                    .publicKey(pub)
                    .validity(nb, nb.plus(validity))
                    .issue()
                    .chain();
            return new IssuedCertificate(
                    chain,
                    "https://fake.example/cert/" + chain.get(0).getSerialNumber(),
                    "https://fake.example/acct/1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException("interrupted", e, true);
        } catch (EnrollmentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public Optional<RenewalPlanner.Window> renewalWindow(X509Certificate certificate) {
        return Optional.ofNullable(window);
    }

    @Override
    public Optional<String> accountUrl() {
        return Optional.of("https://fake.example/acct/1");
    }
}
