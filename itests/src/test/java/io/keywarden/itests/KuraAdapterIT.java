package io.keywarden.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.certificate.enrollment.EnrollmentService;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.cloudconnection.request.RequestHandler;
import org.eclipse.kura.cloudconnection.request.RequestHandlerContext;
import org.eclipse.kura.cloudconnection.request.RequestHandlerRegistry;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.message.KuraPayload;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.LogService;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.DenyList;

/**
 * The Kura adapter in a framework with Kura's API (the compat bundle) and hand-written Kura services registered as
 * real OSGi services: Kura's EnrollmentService enrolls, renews and rekeys the gateway at a real Pebble (http-01) with
 * the key in the selected keystore; events go to the selected CloudPublisher; KEYWARDEN-V1 answers through every
 * RequestHandlerRegistry; the console sees every configurable pid.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KuraAdapterIT extends KeywardenTestSupport {
    private static final String ALIAS = "gw-tls";
    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);
    private final List<ServiceRegistration<?>> fakes = new ArrayList<>();
    private final List<Configuration> kuraConfigs = new ArrayList<>();

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.kuraOptions();
    }

    @After
    public void removeKuraParts() throws Exception {
        for (Configuration c : kuraConfigs) {
            c.delete();
        }
        awaitTrue("EnrollmentService gone", SERVICE_TIMEOUT, () -> !isRegistered(EnrollmentService.class));
        for (ServiceRegistration<?> r : fakes) {
            r.unregister();
        }
    }

    private <T> void register(Class<T> type, T service, String kuraPid) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("kura.service.pid", kuraPid);
        fakes.add(context.registerService(type, service, p));
    }

    private void configure(String pid, Map<String, Object> properties) throws Exception {
        Configuration c = configAdmin.getConfiguration(pid, "?");
        c.update(new Hashtable<>(properties));
        kuraConfigs.add(c);
    }

    /** As the README's "Install on Kura" says: the gateway key is Kura's, so the ACME bundle waits for its CSR. */
    private EnrollmentService startEnrollment(String gatewayName, FakeKuraKeystore keystore) throws Exception {
        Hashtable<String, Object> gatewayConfig = gatewayConfig(ca, gatewayName);
        gatewayConfig.put("gateway.key.source", "external");
        applyConfig(gatewayConfig);
        register(KeystoreService.class, keystore, "TestKeystore");
        configure(
                "io.keywarden.kura.enrollment",
                Map.of(
                        "keystore.alias",
                        ALIAS,
                        "KeystoreService.target",
                        "(kura.service.pid=TestKeystore)",
                        "key.type",
                        "EC_P256"));
        return awaitService(EnrollmentService.class);
    }

    private static KeyStore.PrivateKeyEntry entry(FakeKuraKeystore keystore) throws KuraException {
        KeyStore.Entry e = keystore.getEntry(ALIAS);
        assertTrue("a private key entry under " + ALIAS + ": " + e, e instanceof KeyStore.PrivateKeyEntry);
        return (KeyStore.PrivateKeyEntry) e;
    }

    @Test
    public void enrollmentServiceKeepsTheGatewayKeyInKurasKeystore() throws Exception {
        String name = "gw-kura." + framework() + ".keywarden.example";
        FakeKuraKeystore keystore = new FakeKuraKeystore(context, "TestKeystore");
        EnrollmentService enrollment = startEnrollment(name, keystore);
        GatewayEnrollmentService gateway = awaitGatewayService();

        assertFalse("nothing under the alias yet", enrollment.isEnrolled());
        expectCode(KuraErrorCode.NOT_FOUND, enrollment::getClientCertificate);

        // gateway.key.source=external: the ACME bundle orders nothing for the gateway before Kura's CSR
        awaitTrue(
                "gateway PENDING, waiting for a CSR",
                SERVICE_TIMEOUT,
                () -> gateway.getStatus().getState() == EnrollmentState.PENDING
                        && gateway.getStatus().getLastError().orElse("").contains("waiting for a CSR"));
        Thread.sleep(1500);
        CertificateInventory inventory = awaitService(CertificateInventory.class);
        assertEquals(List.of(), inventory.getByDevice(name));
        assertFalse("no order journaled", Files.exists(deviceDir(name).resolve("pending-order.properties")));
        assertFalse("no certificate stored", Files.exists(deviceDir(name).resolve("certs")));

        // EXEC enroll from the cloud goes through Kura's EnrollmentService, so it enrolls Kura's key
        KuraFakes.Registry registry = new KuraFakes.Registry();
        register(RequestHandlerRegistry.class, registry, "cloud-enroll");
        RequestHandler handler =
                await("KEYWARDEN-V1 registered", SERVICE_TIMEOUT, () -> registry.handlers.get("KEYWARDEN-V1"));
        KuraMessage enrolled = handler.doExec(context(), request("enroll"));
        assertEquals(
                "exactly one gateway certificate",
                1,
                inventory.getByDevice(name).size());
        KeyStore.PrivateKeyEntry first = entry(keystore);
        assertEquals(
                ((X509Certificate) first.getCertificate()).getSerialNumber().toString(16),
                enrolled.getPayload().getMetric("serial"));
        X509Certificate leaf = (X509Certificate) first.getCertificate();
        CertificateRecord record = gateway.getCertificate().orElseThrow();
        assertEquals("the keystore holds the ACME service's current certificate", record.getCertificate(), leaf);
        assertEquals(KeyCustody.DEVICE, record.getKeyCustody());
        assertEquals("Valid", ca.certStatus(record.getSerial()));
        assertEquals(List.of(name), new ArrayList<>(dnsNames(leaf)));
        X509Certificate[] chain = (X509Certificate[]) first.getCertificateChain();
        assertChainVerifiesTo(List.of(chain), ca.root());
        assertTrue(enrollment.isEnrolled());
        assertEquals(leaf, enrollment.getClientCertificate());
        assertEquals(
                chain.length - 1,
                enrollment.getCACertificates().getCertificates(null).size());
        assertTrue(enrollment.getCACertificates().getCertificates(null).contains(chain[1]));

        // enroll again: nothing new is ordered
        enrollment.enroll();
        assertEquals(leaf, entry(keystore).getCertificate());

        // renew: a new certificate for the same key
        enrollment.renew();
        KeyStore.PrivateKeyEntry renewed = entry(keystore);
        X509Certificate renewedLeaf = (X509Certificate) renewed.getCertificate();
        assertNotEquals(leaf.getSerialNumber(), renewedLeaf.getSerialNumber());
        assertArrayEquals(
                leaf.getPublicKey().getEncoded(), renewedLeaf.getPublicKey().getEncoded());
        assertEquals(renewed.getPrivateKey(), first.getPrivateKey());
        assertEquals("Valid", ca.certStatus(renewedLeaf.getSerialNumber().toString(16)));

        // rekey: a new key and a certificate for it
        enrollment.rekey();
        KeyStore.PrivateKeyEntry rekeyed = entry(keystore);
        X509Certificate rekeyedLeaf = (X509Certificate) rekeyed.getCertificate();
        assertFalse(Arrays.equals(
                leaf.getPublicKey().getEncoded(), rekeyedLeaf.getPublicKey().getEncoded()));
        assertEquals(gateway.getCertificate().orElseThrow().getCertificate(), rekeyedLeaf);
        assertTrue(enrollment.isEnrolled());

        // CA rollover: ACME serves the chain with a certificate, so a fresh one for the same key
        enrollment.forceCACertificateRollover();
        X509Certificate rolled = enrollment.getClientCertificate() instanceof X509Certificate x ? x : null;
        assertNotNull(rolled);
        assertNotEquals(rekeyedLeaf.getSerialNumber(), rolled.getSerialNumber());
        assertArrayEquals(
                rekeyedLeaf.getPublicKey().getEncoded(), rolled.getPublicKey().getEncoded());
    }

    @Test
    public void enrollmentErrorsAreKuraExceptionsWithTheCause() throws Exception {
        String name = "gw-kura-err." + framework() + ".keywarden.example";
        FakeKuraKeystore keystore = new FakeKuraKeystore(context, "TestKeystore");
        EnrollmentService enrollment = startEnrollment(name, keystore);
        expectCode(KuraErrorCode.NOT_FOUND, () -> {
            enrollment.renew();
            return null;
        });
        expectCode(KuraErrorCode.NOT_FOUND, enrollment::getCACertificates);
    }

    /**
     * ConfigurationAdmin logs an exception thrown by a ConfigurationListener as an ERROR; the adapter's listener must
     * pass every event of every other component quietly (singleton configurations carry no factory pid). Ordered
     * markers make it deterministic: CM calls its listeners event by event, and the log reader delivers entries in
     * order, so once this test's own marker entry arrives every entry logged for the events before it has arrived.
     */
    @Test
    public void configurationEventsOfOtherComponentsLogNoError() throws Exception {
        awaitTrue("console markers registered", SERVICE_TIMEOUT, () -> configurable("io.keywarden.monitor"));
        List<LogEntry> errors = new CopyOnWriteArrayList<>();
        CountDownLatch marker = new CountDownLatch(1);
        String markerText = "keywarden-it-marker-" + System.nanoTime();
        LogListener listener = e -> {
            if (e.getLogLevel() == LogLevel.ERROR) {
                errors.add(e);
            } else if (markerText.equals(e.getMessage())) {
                marker.countDown();
            }
        };
        ServiceReference<LogReaderService> readerRef = context.getServiceReference(LogReaderService.class);
        assertNotNull("a log reader", readerRef);
        LogReaderService reader = context.getService(readerRef);
        reader.addLogListener(listener);
        CountDownLatch lastEvent = new CountDownLatch(1);
        String other = "io.keywarden.it.other." + System.nanoTime();
        ServiceRegistration<ConfigurationListener> mine = context.registerService(
                ConfigurationListener.class,
                e -> {
                    if (e.getPid().equals(other) && e.getType() == ConfigurationEvent.CM_DELETED) {
                        lastEvent.countDown();
                    }
                },
                null);
        try {
            Configuration c = configAdmin.getConfiguration(other, "?");
            c.update(new Hashtable<>(Map.of("some.property", "value")));
            c.delete();
            assertTrue("CM delivered the events", lastEvent.await(30, TimeUnit.SECONDS));
            ServiceReference<LogService> logRef = context.getServiceReference(LogService.class);
            // WARN: the log service's default level drops INFO entries
            context.getService(logRef).getLogger(KuraAdapterIT.class).warn(markerText);
            assertTrue("the marker log entry arrived", marker.await(30, TimeUnit.SECONDS));
            assertEquals(
                    "ERRORs logged while other components' configurations changed",
                    List.of(),
                    errors.stream()
                            .map(e -> e.getMessage() + " " + e.getException())
                            .toList());
        } finally {
            mine.unregister();
            reader.removeLogListener(listener);
        }
    }

    /**
     * Kura keeps CA roots in the same keystore: an alias holding a trusted certificate is refused with the reason,
     * nothing is ordered and the trust anchor stays; the keystore (behaving like Kura's file-backed one) posts a
     * KeystoreChangedEvent per change.
     */
    @Test
    public void anAliasHoldingATrustedCertificateIsRefused() throws Exception {
        String name = "gw-kura-trust." + framework() + ".keywarden.example";
        FakeKuraKeystore keystore = new FakeKuraKeystore(context, "TestKeystore");
        X509Certificate root = ca.root();
        keystore.setEntry(ALIAS.toUpperCase(Locale.ROOT), new KeyStore.TrustedCertificateEntry(root));
        assertEquals(
                "Kura's keystore keeps aliases in lower case",
                List.of(ALIAS.toLowerCase(Locale.ROOT)),
                keystore.getAliases());
        assertEquals(1, keystore.changedEvents.get());
        EnrollmentService enrollment = startEnrollment(name, keystore);
        try {
            enrollment.enroll();
            fail("enroll() over a trusted certificate");
        } catch (KuraException e) {
            assertEquals(KuraErrorCode.BAD_REQUEST, e.getCode());
            assertTrue(
                    e.getMessage(),
                    e.getMessage().contains("holds a trusted certificate")
                            && e.getMessage().contains("keystore.alias"));
        }
        expectCode(KuraErrorCode.BAD_REQUEST, () -> {
            enrollment.rekey();
            return null;
        });
        KeyStore.Entry kept = keystore.getEntry(ALIAS);
        assertTrue(
                "the trusted certificate is still there: " + kept,
                kept instanceof KeyStore.TrustedCertificateEntry
                        && ((KeyStore.TrustedCertificateEntry) kept)
                                .getTrustedCertificate()
                                .equals(root));
        assertEquals("no further change to the keystore", 1, keystore.changedEvents.get());
        assertEquals(List.of(), awaitService(CertificateInventory.class).getByDevice(name));
        try {
            keystore.setEntry(" ", new KeyStore.TrustedCertificateEntry(root));
            fail("Kura's keystore refuses an empty alias");
        } catch (IllegalArgumentException expected) {
            // as FilesystemKeystoreServiceImpl does
        }
    }

    @Test
    public void eventsGoToTheSelectedCloudPublisherAsMetrics() throws Exception {
        KuraFakes.Publisher chosen = new KuraFakes.Publisher();
        KuraFakes.Publisher other = new KuraFakes.Publisher();
        register(CloudPublisher.class, other, "OtherPublisher");
        register(CloudPublisher.class, chosen, "KeywardenPublisher");
        configure("io.keywarden.kura.cloud", Map.of("CloudPublisher.target", "(kura.service.pid=KeywardenPublisher)"));
        awaitTrue("cloud events component registered", SERVICE_TIMEOUT, () -> configurable("io.keywarden.kura.cloud"));

        String name = "gw-kura-cloud." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, name));
        CertificateRecord record = awaitGatewayEnrolled(awaitGatewayService());

        KuraMessage m = await(
                "ENROLLED published",
                ENROLL_TIMEOUT,
                () -> chosen.published.stream()
                        .filter(x -> "io/keywarden/enrollment/ENROLLED"
                                .equals(x.getPayload().getMetric("topic")))
                        .findFirst()
                        .orElse(null));
        assertEquals(name, m.getPayload().getMetric("device.id"));
        assertEquals(record.getSerial(), m.getPayload().getMetric("serial"));
        assertEquals("ENROLLED", m.getProperties().get("event"));
        assertTrue("only the selected publisher is used", other.published.isEmpty());
    }

    @Test
    public void keywardenV1AnswersOnEveryCloudConnection() throws Exception {
        KuraFakes.Registry first = new KuraFakes.Registry();
        KuraFakes.Registry second = new KuraFakes.Registry();
        register(RequestHandlerRegistry.class, first, "cloud-1");
        register(RequestHandlerRegistry.class, second, "cloud-2");
        RequestHandler handler = await(
                "KEYWARDEN-V1 on both registries",
                SERVICE_TIMEOUT,
                () -> second.handlers.get("KEYWARDEN-V1") != null ? first.handlers.get("KEYWARDEN-V1") : null);

        String name = "gw-kura-rh." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, name));
        CertificateRecord record = awaitGatewayEnrolled(awaitGatewayService());

        KuraMessage status = handler.doGet(context(), request("status"));
        assertEquals(name, status.getPayload().getMetric("gateway.id"));
        assertEquals("ENROLLED", status.getPayload().getMetric("state"));
        String certs = new String(
                handler.doGet(context(), request("certificates")).getPayload().getBody(), StandardCharsets.UTF_8);
        assertTrue(certs, certs.contains("\"serial\":\"" + record.getSerial() + "\""));

        KuraMessage renewed = handler.doExec(context(), request("renew"));
        assertNotEquals(record.getSerial(), renewed.getPayload().getMetric("serial"));
        assertEquals("Valid", ca.certStatus((String) renewed.getPayload().getMetric("serial")));

        expectCode(KuraErrorCode.NOT_FOUND, () -> handler.doGet(context(), request("nonsense")));
        expectCode(KuraErrorCode.OPERATION_NOT_SUPPORTED, () -> handler.doPut(context(), request("status")));
        // no signed request, no revocation: the handler cannot be used to revoke without the authority's signature
        expectCode(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("revoke")), true);

        // revoked on its behalf (its serial on a deny list): the gateway is held, EXEC/renew orders nothing
        String current = (String) renewed.getPayload().getMetric("serial");
        register(
                DenyList.class,
                new DenyList() {
                    @Override
                    public boolean isDenied(String serial) {
                        return current.equals(serial);
                    }

                    @Override
                    public Set<String> getDeniedSerials() {
                        return Set.of(current);
                    }
                },
                "keywarden-test-deny-list");
        try {
            handler.doExec(context(), request("renew"));
            fail("a held gateway was renewed through EXEC/renew");
        } catch (KuraException e) {
            assertEquals(KuraErrorCode.BAD_REQUEST, e.getCode());
            assertTrue(e.getMessage(), e.getMessage().contains("held"));
        }
        String after = new String(
                handler.doGet(context(), request("certificates")).getPayload().getBody(), StandardCharsets.UTF_8);
        assertEquals(after, 2, after.split("\"serial\"", -1).length - 1);
    }

    @Test
    public void consoleSeesEveryConfigurablePid() throws Exception {
        for (String pid : List.of("io.keywarden.acme.gateway", "io.keywarden.revocation")) {
            awaitTrue(pid + " listed", SERVICE_TIMEOUT, () -> configurable(pid));
        }
        Configuration sensor = configAdmin.createFactoryConfiguration("io.keywarden.acme.sensor", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("kura.service.pid", "sensor-from-console");
        p.put("device.id", "sensor-console");
        p.put("dns.names", "sensor-console.keywarden.example");
        sensor.update(p);
        try {
            awaitTrue("sensor factory instance listed", SERVICE_TIMEOUT, () -> configurable("sensor-from-console"));
        } finally {
            sensor.delete();
        }
        awaitTrue(
                "sensor instance removed from the console",
                SERVICE_TIMEOUT,
                () -> !configurable("sensor-from-console"));
    }

    private boolean configurable(String kuraPid) {
        try {
            for (ServiceReference<ConfigurableComponent> r :
                    context.getServiceReferences(ConfigurableComponent.class, "(kura.service.pid=" + kuraPid + ")")) {
                if (r.getProperty("service.pid") != null) {
                    return true;
                }
            }
            return false;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static RequestHandlerContext context() {
        return new RequestHandlerContext(null, Map.of());
    }

    private static KuraMessage request(String... args) {
        return new KuraMessage(new KuraPayload(), Map.of("args", KuraFakes.args(args)));
    }

    interface KuraCall {
        Object call() throws Exception;
    }

    static void expectCode(KuraErrorCode code, KuraCall call) {
        expectCode(code, call, false);
    }

    /** With {@code orUnavailable}, NOT_CONNECTED (the service it needs is absent) is accepted too. */
    static void expectCode(KuraErrorCode code, KuraCall call, boolean orUnavailable) {
        try {
            call.call();
            fail("expected KuraException " + code);
        } catch (KuraException e) {
            if (!(e.getCode() == code || orUnavailable && e.getCode() == KuraErrorCode.NOT_CONNECTED)) {
                throw new AssertionError("expected " + code + " but got " + e.getCode() + ": " + e.getMessage(), e);
            }
        } catch (Exception e) {
            throw new AssertionError("expected KuraException " + code, e);
        }
    }
}
