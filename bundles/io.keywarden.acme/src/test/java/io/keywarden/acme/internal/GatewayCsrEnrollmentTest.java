package io.keywarden.acme.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.schedule.Backoff;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.KeyCustody;

/** The gateway's certificate for a key held outside the bundle (Kura's keystore): ordered from the caller's CSR. */
class GatewayCsrEnrollmentTest {
    @TempDir
    Path data;
    private final List<EnrollmentEngine> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(EnrollmentEngine::close);
    }

    private EnrollmentEngine engine(FakeCa ca) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("acme.directory.url", "https://fake.example/dir");
        p.put("acme.trust.anchor", TestCerts.selfSignedPem("anchor"));
        p.put("gateway.dns.name", "gw.example");
        p.put("retry.initial.seconds", 1);
        p.put("retry.max.seconds", 1);
        GatewayOptions o = GatewayOptions.parse(p, data);
        EnrollmentEngine e = new EnrollmentEngine(o, new StateStore(data), ca, Clock.systemUTC(),
                new RenewalPlanner(o.getRenewalThreshold(), o.getRenewalJitter(), new Random(1)),
                new Backoff(o.getRetryInitial(), o.getRetryMax(), new Random(1)), new EnrollmentEngine.Listener() {
                    @Override
                    public void issued(CertificateRecord r, boolean renewal) {
                    }

                    @Override
                    public void failed(String id, DeviceKind kind, EnrollmentException err, boolean willRetry) {
                    }
                });
        engines.add(e);
        return e;
    }

    @Test
    void csrEnrollmentIsForTheCallersKeyAndSurvivesARestart() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine first = engine(ca);
        first.start();
        KeyPair key = KeyType.EC_P256.generate();
        String csr = TestCerts.csrPem(key, "gw.example");

        // queued behind the order placed at start (gateway-held key), then ordered for the caller's key
        CertificateRecord r = first.enrollGatewayWithCsr(csr).get(20, TimeUnit.SECONDS);
        assertEquals(KeyCustody.DEVICE, r.getKeyCustody());
        assertArrayEquals(key.getPublic().getEncoded(), r.getCertificate().getPublicKey().getEncoded());

        int orders = ca.orders.size();
        assertEquals(r.getSerial(), first.enrollGatewayWithCsr(csr).get(20, TimeUnit.SECONDS).getSerial(),
                "the same CSR while the certificate is valid orders nothing");
        assertEquals(orders, ca.orders.size());

        CertificateRecord renewed = first.renew("gw.example").get(20, TimeUnit.SECONDS);
        assertNotEquals(r.getSerial(), renewed.getSerial());
        assertArrayEquals(key.getPublic().getEncoded(), renewed.getCertificate().getPublicKey().getEncoded(),
                "a renewal reuses the caller's CSR");
        first.close();

        EnrollmentEngine second = engine(ca);
        second.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (second.status("gw.example").getNextAction().isEmpty()) { // resumed: its renewal is planned
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the second engine did not resume the gateway");
            }
            Thread.sleep(10);
        }
        CertificateRecord afterRestart = second.renew("gw.example").get(20, TimeUnit.SECONDS);
        assertArrayEquals(key.getPublic().getEncoded(), afterRestart.getCertificate().getPublicKey().getEncoded(),
                "after a restart the gateway key is still the caller's");
    }

    @Test
    void aCsrForAnotherNameIsRefused() throws Exception {
        EnrollmentEngine e = engine(new FakeCa());
        e.start();
        String csr = TestCerts.csrPem(KeyType.EC_P256.generate(), "other.example");
        ExecutionException x = assertThrows(ExecutionException.class,
                () -> e.enrollGatewayWithCsr(csr).get(20, TimeUnit.SECONDS));
        EnrollmentException cause = assertInstanceOf(EnrollmentException.class, x.getCause());
        assertEquals(false, cause.isRetryable());
    }
}
