package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;

/**
 * dns-01 against a real BIND 9 that Pebble resolves through: RFC 2136 updates signed with TSIG, CNAME delegation, a
 * wrong key, renewal; the gateway opens no inbound port.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class Dns01IT extends KeywardenTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_DNS);

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        TestCas.ensureDnsStarted();
        // the gateway of one test stays on standalone http-01, which runs on Jetty; a platform without any HTTP stack
        // is
        // NoHttpStackIT's
        return KeywardenOptions.withNonHttpBundles(KeywardenOptions.platform());
    }

    private static String name(String host) {
        return host + "." + ItProperties.DNS_ZONE;
    }

    private Hashtable<String, Object> dnsConfig(CaControl on, String gateway, String key, String secret) {
        Hashtable<String, Object> p = gatewayConfig(on, name(gateway));
        p.put("challenge.type", "dns-01");
        p.put("dns01.server", ItProperties.required(ItProperties.BIND_ADDRESS));
        p.put("dns01.tsig.key.name", key);
        p.put("dns01.tsig.secret", secret);
        p.put("dns01.propagation.servers", ItProperties.required(ItProperties.BIND_ADDRESS));
        p.put("dns01.propagation.timeout.seconds", 20);
        return p;
    }

    private static String secret(String key) {
        return ItProperties.required(ItProperties.bindSecret(key));
    }

    @Test
    public void aGatewayAndTwentySensorsEnrollOverDns01WithNoInboundPortOpen() throws Exception {
        int http01Port = freePort();
        Hashtable<String, Object> config =
                dnsConfig(ca, "gw-dns", ItProperties.DNS_GATEWAY_KEY, secret(ItProperties.DNS_GATEWAY_KEY));
        config.put("http01.port", http01Port);
        applyConfig(config);
        GatewayEnrollmentService gateway = awaitGatewayService();
        CertificateRecord gw = awaitGatewayEnrolled(gateway);
        assertEquals(List.of(name("gw-dns")), gw.getIdentifiers());
        assertChainVerifiesTo(gw.getChain(), ca.root());

        SensorEnrollmentService sensors = awaitSensorService();
        Map<String, CompletableFuture<CertificateRecord>> pending = new LinkedHashMap<>();
        for (int i = 1; i <= ItProperties.DNS_SENSORS; i++) {
            String id = "sensor-" + i;
            pending.put(
                    id,
                    sensors.enroll(SensorEnrollmentRequest.builder(id)
                                    .dnsName(name(id))
                                    .build())
                            .toCompletableFuture());
        }
        for (Map.Entry<String, CompletableFuture<CertificateRecord>> e : pending.entrySet()) {
            CertificateRecord r = e.getValue().get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Set.of(name(e.getKey())), dnsNames(r.getCertificate()));
            assertChainVerifiesTo(r.getChain(), ca.root());
            assertEquals("Valid", ca.certStatus(r.getSerial()));
        }

        // nothing of ours listens: the configured http-01 port is free, and no servlet was registered either
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), http01Port));
        } catch (IOException e) {
            fail("port " + http01Port + " is taken although every challenge went over dns-01: " + e);
        }
        ServiceReference<?>[] servlets = context.getAllServiceReferences("javax.servlet.Servlet", null);
        assertTrue("no servlet registered", servlets == null || servlets.length == 0);
        // every TXT record was removed after validation
        assertTrue(txt("_acme-challenge." + name("gw-dns")).isEmpty());
        for (int i = 1; i <= ItProperties.DNS_SENSORS; i++) {
            assertTrue(
                    "TXT left at sensor-" + i,
                    txt("_acme-challenge." + name("sensor-" + i)).isEmpty());
        }
    }

    @Test
    public void aWrongTsigSecretFailsNamingThePropertyAndNothingIsOrderedTwice() throws Exception {
        int before = ca.orderCount();
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        applyConfig(dnsConfig(ca, "gw-wrongkey", ItProperties.DNS_GATEWAY_KEY, wrong));
        GatewayEnrollmentService gateway = awaitGatewayService();
        EnrollmentStatus failed = await(
                "gateway FAILED",
                ENROLL_TIMEOUT,
                () -> gateway.getStatus().getState() == EnrollmentState.FAILED ? gateway.getStatus() : null);
        String error = failed.getLastError().orElseThrow();
        assertTrue(error, error.startsWith("dns01.tsig.secret:"));
        assertTrue(error, error.contains("BADSIG"));
        assertFalse("the secret is never in a message", error.contains(wrong));
        Event event = events.await(
                EnrollmentEvents.TOPIC_FAILED,
                e -> name("gw-wrongkey").equals(e.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID)),
                Duration.ofSeconds(5));
        assertEquals(Boolean.FALSE, event.getProperty(EnrollmentEvents.PROPERTY_RETRYABLE));
        assertTrue(String.valueOf(event.getProperty(EnrollmentEvents.PROPERTY_ERROR))
                .contains("dns01.tsig.secret"));

        // asking again fails the same way, before anything reaches the CA
        try {
            gateway.enroll();
            fail("enrolled with a wrong TSIG secret");
        } catch (EnrollmentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("dns01.tsig.secret"));
        }
        assertEquals("orders placed with a key the DNS server refuses", before, ca.orderCount());

        // with the right secret the gateway enrolls with exactly one order
        ServiceReference<GatewayEnrollmentService> old = context.getServiceReference(GatewayEnrollmentService.class);
        applyConfig(dnsConfig(ca, "gw-wrongkey", ItProperties.DNS_GATEWAY_KEY, secret(ItProperties.DNS_GATEWAY_KEY)));
        awaitTrue("the old service is gone", SERVICE_TIMEOUT, () -> old.getBundle() == null);
        CertificateRecord r = awaitGatewayEnrolled(awaitGatewayService());
        assertEquals(List.of(name("gw-wrongkey")), r.getIdentifiers());
        assertEquals("one order in all", before + 1, ca.orderCount());
    }

    @Test
    public void aCnameDelegatesTheRecordToAZoneOnlyTheGatewaysKeyMayWrite() throws Exception {
        applyConfig(dnsConfig(ca, "gw-cname", ItProperties.DNS_DELEGATE_KEY, secret(ItProperties.DNS_DELEGATE_KEY)));
        CertificateRecord r = awaitGatewayEnrolled(awaitGatewayService());
        assertEquals(List.of(name("gw-cname")), r.getIdentifiers());
        assertChainVerifiesTo(r.getChain(), ca.root());
        assertTrue(txt("gw-cname." + ItProperties.DNS_DELEGATED_ZONE).isEmpty());
    }

    @Test
    public void theGatewayRenewsOverDns01() throws Exception {
        CaControl shortCa = new CaControl(ItProperties.CA_DNS_SHORT);
        Hashtable<String, Object> config =
                dnsConfig(shortCa, "gw-renew", ItProperties.DNS_GATEWAY_KEY, secret(ItProperties.DNS_GATEWAY_KEY));
        config.put("renewal.threshold", 0.5d);
        config.put("renewal.jitter", 0.0d);
        applyConfig(config);
        GatewayEnrollmentService gateway = awaitGatewayService();
        CertificateRecord first = awaitGatewayEnrolled(gateway);
        assertTrue(Duration.between(first.getNotBefore(), first.getNotAfter())
                        .compareTo(Duration.ofSeconds(ItProperties.SHORT_VALIDITY_SECONDS + 5))
                <= 0);
        CertificateRecord second = await(
                "automatic renewal of " + first.getSerial(),
                Duration.between(Instant.now(), first.getNotAfter()).plusSeconds(5),
                () -> gateway.getCertificate()
                        .filter(c -> !c.getSerial().equals(first.getSerial()))
                        .orElse(null));
        assertNotEquals(first.getSerial(), second.getSerial());
        assertTrue(second.getNotAfter().isAfter(first.getNotAfter()));
        assertEquals("Valid", shortCa.certStatus(second.getSerial()));
        events.await(
                EnrollmentEvents.TOPIC_RENEWED,
                e -> second.getSerial().equals(e.getProperty(EnrollmentEvents.PROPERTY_SERIAL)),
                Duration.ofSeconds(10));
    }

    @Test
    public void aSensorConfigurationPicksDns01ForItsNamesWhileTheGatewayStaysOnHttp01() throws Exception {
        // the gateway answers http-01 (its name has an A record); the sensor's name has none, so only dns-01 works
        Hashtable<String, Object> config =
                dnsConfig(ca, "gw-mixed", ItProperties.DNS_GATEWAY_KEY, secret(ItProperties.DNS_GATEWAY_KEY));
        config.put("challenge.type", "http-01");
        applyConfig(config);
        CertificateRecord gw = awaitGatewayEnrolled(awaitGatewayService());
        assertEquals(List.of(name("gw-mixed")), gw.getIdentifiers());

        Configuration good = configAdmin.createFactoryConfiguration("io.keywarden.acme.sensor", "?");
        Configuration bad = configAdmin.createFactoryConfiguration("io.keywarden.acme.sensor", "?");
        try {
            good.update(new Hashtable<>(
                    Map.of("device.id", "txt-only", "dns.names", name("txt-only"), "challenge.type", "dns-01")));
            SensorEnrollmentService sensors = awaitSensorService();
            CertificateRecord r = await(
                    "txt-only enrolled over dns-01",
                    ENROLL_TIMEOUT,
                    () -> sensors.getCertificate("txt-only").orElse(null));
            assertEquals(Set.of(name("txt-only")), dnsNames(r.getCertificate()));
            assertTrue(txt("_acme-challenge." + name("txt-only")).isEmpty());

            bad.update(new Hashtable<>(
                    Map.of("device.id", "bad-type", "dns.names", name("bad-type"), "challenge.type", "tls-alpn-01")));
            Event invalid = events.await(
                    EnrollmentEvents.TOPIC_CONFIG_INVALID,
                    // a factory configuration reports its own pid
                    e -> bad.getPid().equals(e.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PID)),
                    Duration.ofSeconds(10));
            assertEquals("challenge.type", invalid.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY));
            assertTrue(String.valueOf(invalid.getProperty(EnrollmentEvents.PROPERTY_ERROR))
                    .contains("tls-alpn-01"));
            assertFalse(sensors.getDeviceIds().contains("bad-type"));
        } finally {
            good.delete();
            bad.delete();
        }
    }

    /** The TXT strings BIND serves at {@code owner} (asked directly, authoritative). */
    private static List<String> txt(String owner) throws IOException {
        String[] hp = ItProperties.required(ItProperties.BIND_ADDRESS).split(":");
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
        r.setTimeout(Duration.ofSeconds(5));
        Message answer = r.send(Message.newQuery(Record.newRecord(Name.fromString(owner + "."), Type.TXT, DClass.IN)));
        return answer.getSection(Section.ANSWER).stream()
                .filter(x -> x.getType() == Type.TXT)
                .map(Record::rdataToString)
                .toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
