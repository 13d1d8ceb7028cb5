package io.keywarden.acme.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.SensorKeys;

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
        return engine(ca, Map.of());
    }

    private EnrollmentEngine engine(FakeCa ca, Map<String, Object> extra) throws Exception {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("acme.directory.url", "https://fake.example/dir");
        p.put("acme.trust.anchor", TestCa.root("anchor").certificatePem());
        p.put("gateway.dns.name", "gw.example");
        p.put("retry.initial.seconds", 1);
        p.put("retry.max.seconds", 1);
        GatewayOptions o = GatewayOptions.parse(p, data);
        EnrollmentEngine e = new EnrollmentEngine(
                o,
                new StateStore(data),
                ca,
                Clock.systemUTC(),
                new RenewalPlanner(o.getRenewalThreshold(), o.getRenewalJitter(), new Random(1)),
                new Backoff(o.getRetryInitial(), o.getRetryMax(), new Random(1)),
                new EnrollmentEngine.Listener() {
                    @Override
                    public void issued(CertificateRecord r, boolean renewal) {}

                    @Override
                    public void failed(String id, DeviceKind kind, EnrollmentException err, boolean willRetry) {}
                });
        engines.add(e);
        return e;
    }

    @Test
    void withAnExternalKeyNothingIsOrderedForTheGatewayUntilItsCsrArrivesThenExactlyOnce() throws Exception {
        FakeCa ca = new FakeCa();
        Map<String, Object> external = Map.of("gateway.key.source", "external");
        EnrollmentEngine first = engine(ca, external);
        first.start();
        // a sensor order goes through the same workers, queued after whatever start() placed
        first.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertEquals(0, ordersFor(ca, "gw.example"), "no gateway order before the CSR");
        EnrollmentStatus waiting = first.status("gw.example");
        assertEquals(EnrollmentState.PENDING, waiting.getState());
        assertTrue(waiting.getLastError().orElseThrow().contains("gateway.key.source is external"), waiting.toString());
        for (CompletableFuture<CertificateRecord> refused : List.of(first.enrollGateway(), first.renew("gw.example"))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
            assertTrue(
                    e.getCause().getMessage().contains("waiting for a CSR"),
                    e.getCause().getMessage());
        }
        assertEquals(0, ordersFor(ca, "gw.example"));
        first.close();

        // a restart does not order either
        EnrollmentEngine second = engine(ca, external);
        second.start();
        second.enrollSensor(SensorEnrollmentRequest.builder("s2")
                        .dnsName("s2.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertEquals(0, ordersFor(ca, "gw.example"));

        KeyPair key = KeyType.EC_P256.generate();
        CertificateRecord r = second.enrollGatewayWithCsr(SensorKeys.csrPem(key, List.of("gw.example")))
                .get(10, TimeUnit.SECONDS);
        assertArrayEquals(
                key.getPublic().getEncoded(), r.getCertificate().getPublicKey().getEncoded());
        assertEquals(1, ordersFor(ca, "gw.example"), "exactly one gateway certificate");
        assertEquals(EnrollmentState.ENROLLED, second.status("gw.example").getState());
        assertEquals(1, second.certificatesOf("gw.example").size());
    }

    private static long ordersFor(FakeCa ca, String name) {
        synchronized (ca.orders) {
            return ca.orders.stream().filter(names -> names.contains(name)).count();
        }
    }

    @Test
    void csrEnrollmentIsForTheCallersKeyAndSurvivesARestart() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine first = engine(ca);
        first.start();
        KeyPair key = KeyType.EC_P256.generate();
        String csr = SensorKeys.csrPem(key, List.of("gw.example"));

        // queued behind the order placed at start (gateway-held key), then ordered for the caller's key
        CertificateRecord r = first.enrollGatewayWithCsr(csr).get(20, TimeUnit.SECONDS);
        assertEquals(KeyCustody.DEVICE, r.getKeyCustody());
        assertArrayEquals(
                key.getPublic().getEncoded(), r.getCertificate().getPublicKey().getEncoded());

        int orders = ca.orders.size();
        assertEquals(
                r.getSerial(),
                first.enrollGatewayWithCsr(csr).get(20, TimeUnit.SECONDS).getSerial(),
                "the same CSR while the certificate is valid orders nothing");
        assertEquals(orders, ca.orders.size());

        CertificateRecord renewed = first.renew("gw.example").get(20, TimeUnit.SECONDS);
        assertNotEquals(r.getSerial(), renewed.getSerial());
        assertArrayEquals(
                key.getPublic().getEncoded(),
                renewed.getCertificate().getPublicKey().getEncoded(),
                "a renewal reuses the caller's CSR");
        first.close();

        EnrollmentEngine second = engine(ca);
        second.start();
        // resumed: its renewal is planned
        Awaitility.await("the second engine resumed the gateway")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> second.status("gw.example").getNextAction().isPresent());
        CertificateRecord afterRestart = second.renew("gw.example").get(20, TimeUnit.SECONDS);
        assertArrayEquals(
                key.getPublic().getEncoded(),
                afterRestart.getCertificate().getPublicKey().getEncoded(),
                "after a restart the gateway key is still the caller's");
    }

    @Test
    void aCsrForAnotherNameIsRefused() throws Exception {
        EnrollmentEngine e = engine(new FakeCa());
        e.start();
        String csr = SensorKeys.csrPem(KeyType.EC_P256.generate(), List.of("other.example"));
        ExecutionException x = assertThrows(
                ExecutionException.class, () -> e.enrollGatewayWithCsr(csr).get(20, TimeUnit.SECONDS));
        EnrollmentException cause = assertInstanceOf(EnrollmentException.class, x.getCause());
        assertEquals(false, cause.isRetryable());
    }
}
