package io.keywarden.acme.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.SensorKeys;

class EnrollmentEngineTest {
    @TempDir
    Path data;

    private final List<EnrollmentEngine> engines = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(EnrollmentEngine::close);
    }

    private EnrollmentEngine engine(FakeCa ca, Map<String, Object> extra) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("acme.directory.url", "https://fake.example/dir");
        p.put("acme.trust.anchor", TestCa.root("anchor").certificatePem());
        p.put("gateway.dns.name", "gw.example");
        p.put("enrollment.concurrency", 4);
        p.put("retry.initial.seconds", 1);
        p.put("retry.max.seconds", 1);
        p.putAll(extra);
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
                    public void issued(CertificateRecord r, boolean renewal) {
                        events.add((renewal ? "RENEWED " : "ENROLLED ") + r.getDeviceId());
                    }

                    @Override
                    public void failed(String id, DeviceKind kind, EnrollmentException err, boolean willRetry) {
                        events.add((willRetry ? "RETRY " : "FAILED ") + id);
                    }
                });
        engines.add(e);
        return e;
    }

    /** Polls every 10 ms, for at most 20 s. */
    private static final ConditionFactory WAIT =
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10));

    @Test
    void startEnrollsTheGatewayWithAGatewayHeldKey() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine e = engine(ca, Map.of());
        e.start();
        WAIT.alias("gateway enrolled").until(() -> e.status("gw.example").getState() == EnrollmentState.ENROLLED);
        CertificateRecord r = e.currentOf("gw.example").orElseThrow();
        assertEquals(DeviceKind.GATEWAY, r.getKind());
        assertEquals(KeyCustody.GATEWAY, r.getKeyCustody());
        assertEquals(List.of("gw.example"), r.getIdentifiers());
        assertEquals(EnrollmentState.ENROLLED, e.status("gw.example").getState());
        assertTrue(e.status("gw.example")
                .getNextAction()
                .orElseThrow()
                .isAfter(Instant.now().plus(Duration.ofDays(50))));
        WAIT.alias("event").until(() -> !events.isEmpty());
        assertEquals(List.of("ENROLLED gw.example"), events);
    }

    @Test
    void aRestartReusesWhatIsStoredAndOrdersNothing() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine first = engine(ca, Map.of());
        first.start();
        first.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        WAIT.alias("gateway certificate")
                .until(() -> first.currentOf("gw.example").isPresent());
        String serial = first.currentOf("gw.example").orElseThrow().getSerial();
        first.close();
        int ordersBefore = ca.orders.size();

        EnrollmentEngine second = engine(ca, Map.of());
        second.start();
        WAIT.alias("s1 resumed").until(() -> second.status("s1").getState() == EnrollmentState.ENROLLED);
        WAIT.alias("gateway resumed").until(() -> second.status("gw.example").getState() == EnrollmentState.ENROLLED);
        assertEquals(ordersBefore, ca.orders.size());
        assertEquals(serial, second.currentOf("gw.example").orElseThrow().getSerial());
        CertificateRecord again = second.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        assertEquals(first.currentOf("s1").orElseThrow().getSerial(), again.getSerial());
        assertEquals(ordersBefore, ca.orders.size(), "enrolling an enrolled sensor again orders nothing");
        assertEquals(List.of("s1"), second.sensorIds());
    }

    @Test
    void aBatchRunsConcurrentlyButNeverAboveTheConfiguredBound() throws Exception {
        FakeCa ca = new FakeCa();
        ca.latency = Duration.ofMillis(30);
        EnrollmentEngine e = engine(ca, Map.of());
        List<CompletableFuture<CertificateRecord>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(e.enrollSensor(SensorEnrollmentRequest.builder("s" + i)
                    .dnsName("s" + i + ".gw.example")
                    .build()));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        assertEquals(40, ca.orders.size());
        assertEquals(4, ca.maxInFlight.get(), "4 workers should all have been busy, and never more");
        assertEquals(40, all.stream().map(f -> f.join().getSerial()).distinct().count());
    }

    @Test
    void transientFailuresAreRetriedWithBackoffUntilTheCaAnswers() throws Exception {
        FakeCa ca = new FakeCa();
        ca.transientFailures.set(2);
        EnrollmentEngine e = engine(ca, Map.of());
        CompletableFuture<CertificateRecord> f = e.enrollSensor(
                SensorEnrollmentRequest.builder("s1").dnsName("s1.gw.example").build());
        WAIT.alias("RETRYING").until(() -> e.status("s1").getState() == EnrollmentState.RETRYING);
        assertTrue(e.status("s1").getLastError().orElseThrow().contains("unreachable"));
        assertTrue(e.status("s1").getNextAction().isPresent());
        CertificateRecord r = f.get(20, TimeUnit.SECONDS);
        assertEquals(EnrollmentState.ENROLLED, e.status("s1").getState());
        assertEquals(0, e.status("s1").getFailedAttempts());
        assertEquals(1, ca.orders.size());
        assertEquals(List.of("RETRY s1", "RETRY s1", "ENROLLED s1"), events);
        assertEquals(r.getSerial(), e.currentOf("s1").orElseThrow().getSerial());
    }

    @Test
    void aPermanentRefusalFailsTheRequestAndSaysWhy() throws Exception {
        FakeCa ca = new FakeCa();
        ca.rejectPermanently = true;
        EnrollmentEngine e = engine(ca, Map.of());
        CompletableFuture<CertificateRecord> f = e.enrollSensor(
                SensorEnrollmentRequest.builder("s1").dnsName("s1.gw.example").build());
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(EnrollmentException.class, ex.getCause());
        assertEquals(EnrollmentState.FAILED, e.status("s1").getState());
        assertTrue(e.status("s1").getLastError().orElseThrow().contains("rejectedIdentifier"));
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsOrdered() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine e = engine(ca, Map.of());
        String csrForOtherName = SensorKeys.csrPem(KeyType.EC_P256.generate(), List.of("other.example"));
        for (SensorEnrollmentRequest bad : List.of(
                SensorEnrollmentRequest.builder("../escape")
                        .dnsName("x.example")
                        .build(),
                SensorEnrollmentRequest.builder("gw.example")
                        .dnsName("gw.example")
                        .build(),
                SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.example")
                        .csrPem(csrForOtherName)
                        .build(),
                SensorEnrollmentRequest.builder("s2")
                        .dnsName("s2.example")
                        .csrPem("garbage")
                        .build())) {
            ExecutionException ex = assertThrows(
                    ExecutionException.class,
                    () -> e.enrollSensor(bad).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertInstanceOf(EnrollmentException.class, ex.getCause());
        }
        assertEquals(0, ca.orders.size());
    }

    @Test
    void shortLivedCertificatesAreRenewedAndTheOldOneIsKeptAsSuperseded() throws Exception {
        FakeCa ca = new FakeCa();
        ca.validity = Duration.ofSeconds(3);
        EnrollmentEngine e = engine(ca, Map.of("renewal.threshold", 0.5, "renewal.jitter", 0.0));
        String csr = SensorKeys.csrPem(KeyType.EC_P256.generate(), List.of("s1.gw.example"));
        CertificateRecord first = e.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .csrPem(csr)
                        .build())
                .get(10, TimeUnit.SECONDS);
        WAIT.alias("renewal")
                .until(() -> !e.currentOf("s1").orElseThrow().getSerial().equals(first.getSerial()));
        CertificateRecord renewed = e.currentOf("s1").orElseThrow();
        assertNotEquals(first.getSerial(), renewed.getSerial());
        assertEquals(
                first.getCertificate().getPublicKey(),
                renewed.getCertificate().getPublicKey(),
                "a device-held key is renewed with the device's CSR");
        CertificateRecord old = e.certificatesOf("s1").stream()
                .filter(r -> r.getSerial().equals(first.getSerial()))
                .findFirst()
                .orElseThrow();
        assertEquals(CertificateStatus.SUPERSEDED, old.getStatus());
        WAIT.alias("RENEWED event, got " + events).until(() -> events.contains("RENEWED s1"));
    }

    @Test
    void aDeviceWhoseCertificateWasRevokedOnItsBehalfIsNotRenewedAutomatically() throws Exception {
        FakeCa ca = new FakeCa();
        ca.validity = Duration.ofSeconds(3);
        EnrollmentEngine e = engine(ca, Map.of("renewal.threshold", 0.5, "renewal.jitter", 0.0));
        Set<String> denied = ConcurrentHashMap.newKeySet();
        e.setDeniedSerials(denied::contains);
        String csr = SensorKeys.csrPem(KeyType.EC_P256.generate(), List.of("s1.gw.example"));
        CertificateRecord first = e.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .csrPem(csr)
                        .build())
                .get(10, TimeUnit.SECONDS);
        denied.add(first.getSerial());
        WAIT.alias("renewal refused, got " + e.status("s1"))
                .until(() -> e.status("s1").getState() == EnrollmentState.FAILED);
        assertTrue(
                e.status("s1").getLastError().orElse("").contains("revoked"),
                e.status("s1").toString());
        assertEquals(first.getSerial(), e.currentOf("s1").orElseThrow().getSerial(), "no new certificate");
        assertHeldOnEveryRoute(e, ca, "s1");
    }

    /**
     * Every way to ask for a certificate ends in the engine: Kura's EXEC/renew and the REST/Gogo {@code renew} call
     * {@code renew}; EXEC/enroll, Gogo {@code enroll}, EST and the sensor roster call {@code enrollSensor}, with the
     * device's old request or a new one (another key, another name). None of them orders anything for a held device.
     */
    private static void assertHeldOnEveryRoute(EnrollmentEngine e, FakeCa ca, String id) throws Exception {
        long ordersBefore = ordersFor(ca, id + ".gw.example");
        List<java.util.function.Supplier<java.util.concurrent.CompletableFuture<CertificateRecord>>> routes = List.of(
                () -> e.renew(id),
                () -> e.enrollSensor(SensorEnrollmentRequest.builder(id)
                        .dnsName(id + ".gw.example")
                        .build()),
                () -> e.enrollSensor(SensorEnrollmentRequest.builder(id)
                        .dnsName(id + ".gw.example")
                        .csrPem(SensorKeys.csrPem(KeyType.EC_P256.generate(), List.of(id + ".gw.example")))
                        .build()),
                () -> e.enrollSensor(SensorEnrollmentRequest.builder(id)
                        .dnsName(id + "-new.gw.example")
                        .build()));
        for (var route : routes) {
            ExecutionException refused =
                    assertThrows(ExecutionException.class, () -> route.get().get(10, TimeUnit.SECONDS));
            assertTrue(
                    refused.getCause().getMessage().contains("held"),
                    refused.getCause().getMessage());
        }
        assertEquals(ordersBefore, ordersFor(ca, id + ".gw.example"), "ordered for a held device");
        assertEquals(0, ordersFor(ca, id + "-new.gw.example"), "ordered for a held device under a new name");
    }

    /**
     * An authority's signed release (DenyList.releasedAt) of the held serial lets the device get one new certificate;
     * that certificate then counts: revoked in turn, it holds the device again, the release does not carry over.
     */
    @Test
    void aReleasedDeviceGetsOneNewCertificateAndIsHeldAgainWhenThatOneIsRevoked() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine e = engine(ca, Map.of());
        Set<String> denied = ConcurrentHashMap.newKeySet();
        Map<String, java.time.Instant> released = new ConcurrentHashMap<>();
        e.setDeniedSerials(denied::contains);
        e.setReleases(serial -> java.util.Optional.ofNullable(released.get(serial)));
        CertificateRecord first = e.enrollSensor(SensorEnrollmentRequest.builder("s9")
                        .dnsName("s9.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        denied.add(first.getSerial());
        e.markRevoked(List.of(first.getSerial()));
        assertHeldOnEveryRoute(e, ca, "s9");

        released.put(first.getSerial(), java.time.Instant.now());
        CertificateRecord second = e.renew("s9").get(10, TimeUnit.SECONDS);
        assertNotEquals(first.getSerial(), second.getSerial());
        assertEquals(second.getSerial(), e.currentOf("s9").orElseThrow().getSerial());
        assertTrue(denied.contains(first.getSerial()), "the released serial stays denied");

        denied.add(second.getSerial());
        e.markRevoked(List.of(second.getSerial()));
        assertHeldOnEveryRoute(e, ca, "s9");
    }

    @Test
    void aGatewayRevokedOnItsBehalfIsNotRenewedOrEnrolledOnRequest() throws Exception {
        FakeCa ca = new FakeCa();
        EnrollmentEngine e = engine(ca, Map.of());
        Set<String> denied = ConcurrentHashMap.newKeySet();
        e.setDeniedSerials(denied::contains);
        e.start();
        WAIT.alias("gateway enrolled").until(() -> e.status("gw.example").getState() == EnrollmentState.ENROLLED);
        CertificateRecord first = e.currentOf("gw.example").orElseThrow();
        denied.add(first.getSerial());
        for (var route :
                List.<java.util.function.Supplier<java.util.concurrent.CompletableFuture<CertificateRecord>>>of(
                        () -> e.renew("gw.example"), e::enrollGateway)) {
            ExecutionException refused =
                    assertThrows(ExecutionException.class, () -> route.get().get(10, TimeUnit.SECONDS));
            assertTrue(
                    refused.getCause().getMessage().contains("held"),
                    refused.getCause().getMessage());
        }
        assertEquals(1, ordersFor(ca, "gw.example"));

        e.markRevoked(List.of(first.getSerial()));
        ExecutionException refused =
                assertThrows(ExecutionException.class, () -> e.enrollGateway().get(10, TimeUnit.SECONDS));
        assertTrue(
                refused.getCause().getMessage().contains("held"),
                refused.getCause().getMessage());
        assertEquals(1, ordersFor(ca, "gw.example"), "nothing ordered for the revoked gateway");
    }

    @Test
    void aRevokedCertificateIsRecordedAndNeitherRenewedNorReorderedAtTheNextStart() throws Exception {
        FakeCa ca = new FakeCa();
        ca.validity = Duration.ofSeconds(4);
        Map<String, Object> fastRenewal = Map.of("renewal.threshold", 0.5, "renewal.jitter", 0.0);
        EnrollmentEngine e = engine(ca, fastRenewal);
        SensorEnrollmentRequest request =
                SensorEnrollmentRequest.builder("s1").dnsName("s1.gw.example").build();
        CertificateRecord s1 = e.enrollSensor(request).get(10, TimeUnit.SECONDS);
        CertificateRecord s2 = e.enrollSensor(SensorEnrollmentRequest.builder("s2")
                        .dnsName("s2.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);

        List<CertificateRecord> marked = e.markRevoked(List.of(s1.getSerial().toUpperCase(Locale.ROOT)));
        assertEquals(
                List.of(s1.getSerial()),
                marked.stream().map(CertificateRecord::getSerial).toList());
        assertEquals(List.of(), e.markRevoked(List.of(s1.getSerial())), "marking twice changes nothing");
        assertEquals(
                CertificateStatus.REVOKED,
                new StateStore(data).loadCertificates("s1").get(0).getStatus(),
                "on disk");
        assertTrue(e.currentOf("s1").isEmpty(), "a revoked certificate is nobody's current one");
        assertEquals(EnrollmentState.FAILED, e.status("s1").getState());
        assertTrue(
                e.status("s1").getLastError().orElseThrow().contains("revoked"),
                e.status("s1").toString());

        // s2 renews at half its 4 s life; s1's renewal time passes too, and nothing is ordered for it
        WAIT.alias("s2 renewed").until(() -> e.certificatesOf("s2").size() == 2);
        Thread.sleep(500);
        assertEquals(1, ordersFor(ca, "s1.gw.example"));
        assertEquals(s2.getSerial(), e.certificatesOf("s2").get(0).getSerial());
        e.close();

        // the roster sends the same request again at every start: it must not undo the revocation
        EnrollmentEngine again = engine(ca, fastRenewal);
        again.start();
        ExecutionException refused = assertThrows(
                ExecutionException.class, () -> again.enrollSensor(request).get(10, TimeUnit.SECONDS));
        assertTrue(
                refused.getCause().getMessage().contains("revoked"),
                refused.getCause().getMessage());
        WAIT.alias("s1 held after the restart").until(() -> again.status("s1").getState() == EnrollmentState.FAILED);
        Thread.sleep(300);
        assertEquals(1, ordersFor(ca, "s1.gw.example"), "nothing ordered at the restart");

        assertHeldOnEveryRoute(again, ca, "s1");
        assertEquals(
                CertificateStatus.REVOKED, again.certificatesOf("s1").get(0).getStatus(), "the old one stays revoked");
    }

    @Test
    void anAutomaticRenewalRetryingWhenTheRevocationLandsIsStoppedBeforeItOrders() throws Exception {
        FakeCa ca = new FakeCa();
        ca.validity = Duration.ofSeconds(3);
        EnrollmentEngine e = engine(ca, Map.of("renewal.threshold", 0.5, "renewal.jitter", 0.0));
        CertificateRecord first = e.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        ca.transientFailures.set(1_000);
        WAIT.alias("the renewal retrying, got " + e.status("s1"))
                .until(() -> e.status("s1").getState() == EnrollmentState.RETRYING);
        e.markRevoked(List.of(first.getSerial()));
        ca.transientFailures.set(0);
        WAIT.alias("renewal stopped, got " + e.status("s1"))
                .until(() -> e.status("s1").getState() == EnrollmentState.FAILED
                        && e.status("s1").getLastError().orElse("").contains("revoked"));
        Thread.sleep(1500);
        assertEquals(1, ordersFor(ca, "s1.gw.example"), "no certificate ordered after the revocation");
        assertEquals(
                List.of(CertificateStatus.REVOKED),
                e.certificatesOf("s1").stream()
                        .map(CertificateRecord::getStatus)
                        .toList());
    }

    @Test
    void aSuggestedRenewalWindowIsFollowed() throws Exception {
        FakeCa ca = new FakeCa();
        Instant start = Instant.now().plus(Duration.ofDays(3));
        ca.window = new RenewalPlanner.Window(start, start.plus(Duration.ofHours(1)));
        EnrollmentEngine e = engine(ca, Map.of());
        e.enrollSensor(SensorEnrollmentRequest.builder("s1")
                        .dnsName("s1.gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
        Instant next = e.status("s1").getNextAction().orElseThrow();
        assertTrue(!next.isBefore(start) && !next.isAfter(start.plus(Duration.ofHours(1))), next.toString());
    }

    @Test
    void anOrderInterruptedByACrashIsResumedAtTheNextStartNotPlacedAgain() throws Exception {
        FakeCa ca = new FakeCa();
        ca.crashAfterCreate = true;
        EnrollmentEngine first = engine(ca, Map.of());
        CompletableFuture<CertificateRecord> lost = first.enrollSensor(
                SensorEnrollmentRequest.builder("s1").dnsName("s1.gw.example").build());
        assertThrows(ExecutionException.class, () -> lost.get(10, TimeUnit.SECONDS));
        first.close();
        assertEquals(1, ordersFor(ca, "s1.gw.example"));

        EnrollmentEngine second = engine(ca, Map.of());
        second.start();
        WAIT.alias("s1 enrolled after the restart")
                .until(() -> second.status("s1").getState() == EnrollmentState.ENROLLED);
        assertEquals(1, ordersFor(ca, "s1.gw.example"), "the journaled order is resumed, no second one is placed");
        assertEquals(List.of("https://fake.example/order/1"), ca.resumed);

        // the journal is cleared once the certificate is recorded: a later renewal places a new order
        second.renew("s1").get(10, TimeUnit.SECONDS);
        assertEquals(2, ordersFor(ca, "s1.gw.example"));
        assertEquals(1, ca.resumed.size());
    }

    private static long ordersFor(FakeCa ca, String name) {
        synchronized (ca.orders) {
            return ca.orders.stream().filter(names -> names.contains(name)).count();
        }
    }
}
