package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.testing.pki.TestKeys;

/**
 * Fleet revocation notices through a real Mosquitto: a gateway denies what a verified notice names and nothing a
 * forged or malformed one names; the authority publishes a notice at acceptance and keeps it through a broker outage.
 * The notices here are signed by the test with jose4j directly, in the documented format, not with the bundle's code.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FleetNoticesIT extends KeywardenTestSupport {

    private static final String FLEET_PID = "io.keywarden.fleet";
    private static final String AUTHORITY = "fleet-authority";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final BlockingQueue<Event> fleetEvents = new LinkedBlockingQueue<>();
    private final List<MqttClient> clients = new ArrayList<>();
    private KeyPair authority;
    private String fleetId;
    private Configuration fleetConfig;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return OptionUtils.combine(KeywardenOptions.options(), TestBroker.options());
    }

    @Before
    public void setUpFleet() throws Exception {
        authority = TestKeys.ec();
        fleetId = "fleet-" + Long.toHexString(System.nanoTime());
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(EventConstants.EVENT_TOPIC, FleetEvents.TOPIC_PREFIX + "*");
        context.registerService(EventHandler.class, fleetEvents::add, p);
    }

    @After
    public void tearDownFleet() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        if (fleetConfig != null) {
            fleetConfig.delete();
        }
        broker("start");
    }

    @Test
    public void gatewayDeniesWhatAVerifiedNoticeNamesAndKeepsItAcrossARestartWithoutTheBroker() throws Exception {
        configureGateway();
        DenyList notices = awaitNoticeDenyList();
        MqttClient cloud = connect("cloud");

        publish(cloud, "t-1", sign(authority.getPrivate(), AUTHORITY, notice("t-1", List.of("1a2b3c", "4d5e"))));

        Event applied = awaitEvent(FleetEvents.TOPIC_NOTICE_APPLIED);
        assertEquals("t-1", applied.getProperty(FleetEvents.PROPERTY_TICKET_ID));
        assertTrue(notices.isDenied("1a2b3c"));
        assertTrue(notices.isDenied("4d5e"));
        assertFalse(notices.isDenied("77"));

        broker("stop");
        Bundle fleet = bundle("io.keywarden.fleet");
        fleet.stop();
        fleet.start();
        DenyList afterRestart = awaitNoticeDenyList();
        assertEquals(Set.of("1a2b3c", "4d5e"), afterRestart.getDeniedSerials());
    }

    @Test
    public void forgedOrMalformedNoticesDenyNothingAndTheNextGoodOneStillApplies() throws Exception {
        configureGateway();
        DenyList notices = awaitNoticeDenyList();
        MqttClient cloud = connect("attacker");
        KeyPair other = TestKeys.ec();

        publish(cloud, "forged", sign(other.getPrivate(), AUTHORITY, notice("forged", List.of("aa"))));
        publish(cloud, "wrong-kid", sign(authority.getPrivate(), "someone-else", notice("wrong-kid", List.of("bb"))));
        publish(cloud, "unsigned", unsigned(notice("unsigned", List.of("cc"))));
        publish(cloud, "garbage", "{not a jws".getBytes(StandardCharsets.US_ASCII));
        publish(cloud, "bad-serial", sign(authority.getPrivate(), AUTHORITY, notice("bad-serial", List.of("00AA"))));
        publish(cloud, "oversized", new byte[300 * 1024]);

        for (int i = 0; i < 6; i++) {
            Event rejected = awaitEvent(FleetEvents.TOPIC_NOTICE_REJECTED);
            assertTrue(
                    String.valueOf(rejected.getProperty(FleetEvents.PROPERTY_ERROR)),
                    rejected.getProperty(FleetEvents.PROPERTY_ERROR) != null);
        }
        assertTrue(
                "nothing denied: " + notices.getDeniedSerials(),
                notices.getDeniedSerials().isEmpty());

        publish(cloud, "good", sign(authority.getPrivate(), AUTHORITY, notice("good", List.of("dd"))));
        awaitEvent(FleetEvents.TOPIC_NOTICE_APPLIED);
        assertEquals(Set.of("dd"), notices.getDeniedSerials());
    }

    @Test
    public void authorityPublishesAVerifiableNoticeAtAcceptanceAndKeepsOneThroughABrokerOutage() throws Exception {
        Path keyFile = dataDir.resolve("authority-key.pem");
        Files.writeString(keyFile, pem("PRIVATE KEY", authority.getPrivate().getEncoded()));
        Hashtable<String, Object> p = baseConfig();
        p.put("notices.apply", false);
        p.put("notices.publish", true);
        p.put("authority.signing.key.file", keyFile.toString());
        configure(p);
        awaitTrue("the authority's event handler is registered", SERVICE_TIMEOUT, () -> {
            try {
                return !context.getServiceReferences(
                                EventHandler.class, "(event.topics=" + RevocationEvents.TOPIC_ACCEPTED + ")")
                        .isEmpty();
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitEvent(FleetEvents.TOPIC_NOTICE_PUBLISHED, Duration.ofMillis(1500), false);

        BlockingQueue<MqttMessage> received = subscribe("gateway-a");
        accepted("ticket-1", "abc1", "sensor-1");
        Map<String, Object> first = verified(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("ticket-1", first.get("ticket"));
        assertEquals(List.of("abc1"), first.get("serials"));
        assertEquals(List.of("sensor-1"), first.get("devices"));
        assertEquals(1L, first.get("reason"));

        broker("stop");
        accepted("ticket-2", "abc2", "sensor-2");
        Thread.sleep(1000);
        broker("start");
        BlockingQueue<MqttMessage> later = subscribe("gateway-b");
        Map<String, Object> second = verified(later.poll(WAIT.toSeconds() + 30, TimeUnit.SECONDS));
        assertEquals("ticket-2", second.get("ticket"));
        assertEquals(List.of("abc2"), second.get("serials"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Hashtable<String, Object> baseConfig() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mqtt.broker.url", System.getProperty(TestBroker.MQTT_URL));
        p.put("fleet.id", fleetId);
        p.put("authority.id", AUTHORITY);
        p.put("data.dir", dataDir.resolve("fleet").toString());
        return p;
    }

    private void configureGateway() throws IOException {
        Hashtable<String, Object> p = baseConfig();
        p.put("authority.public.key", pem("PUBLIC KEY", authority.getPublic().getEncoded()));
        configure(p);
    }

    private void configure(Hashtable<String, Object> p) throws IOException {
        fleetConfig = configAdmin.getConfiguration(FLEET_PID, "?");
        fleetConfig.update(p);
    }

    private DenyList awaitNoticeDenyList() {
        String filter = "(" + FleetEvents.DENY_SOURCE_PROPERTY + "=" + FleetEvents.DENY_SOURCE_NOTICES + ")";
        return await("a DenyList with " + filter, SERVICE_TIMEOUT, () -> {
            try {
                Collection<ServiceReference<DenyList>> refs = context.getServiceReferences(DenyList.class, filter);
                return refs.isEmpty()
                        ? null
                        : context.getService(refs.iterator().next());
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void accepted(String ticket, String serial, String device) {
        EventAdmin ea = context.getService(context.getServiceReference(EventAdmin.class));
        ea.postEvent(new Event(
                RevocationEvents.TOPIC_ACCEPTED,
                Map.of(
                        RevocationEvents.PROPERTY_TICKET_ID,
                        ticket,
                        RevocationEvents.PROPERTY_SERIALS,
                        new String[] {serial},
                        RevocationEvents.PROPERTY_DEVICE_IDS,
                        new String[] {device},
                        RevocationEvents.PROPERTY_REASON,
                        1)));
    }

    private Map<String, Object> verified(MqttMessage message) throws Exception {
        assertTrue("a notice arrived", message != null);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(new String(message.getPayload(), StandardCharsets.US_ASCII));
        jws.setKey(authority.getPublic());
        assertTrue("the notice verifies with the authority's public key", jws.verifySignature());
        assertEquals(AUTHORITY, jws.getKeyIdHeaderValue());
        return JsonUtil.parseJson(jws.getPayload());
    }

    private MqttClient connect(String name) throws Exception {
        MqttClient c = new MqttClient(
                System.getProperty(TestBroker.MQTT_URL), name + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        clients.add(c);
        return c;
    }

    private BlockingQueue<MqttMessage> subscribe(String name) throws Exception {
        BlockingQueue<MqttMessage> q = new LinkedBlockingQueue<>();
        connect(name).subscribe("keywarden/" + fleetId + "/revocation-notices/+", 1, (topic, m) -> q.add(m));
        return q;
    }

    private void publish(MqttClient c, String level, byte[] payload) throws Exception {
        c.publish("keywarden/" + fleetId + "/revocation-notices/" + level, payload, 1, true);
    }

    private Map<String, Object> notice(String ticket, List<String> serials) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("ticket", ticket);
        m.put("serials", serials);
        m.put("devices", List.of());
        m.put("reason", 1);
        m.put("iat", Instant.now().getEpochSecond());
        m.put("iss", AUTHORITY);
        return m;
    }

    private static byte[] sign(PrivateKey key, String kid, Map<String, Object> payload) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key);
        return jws.getCompactSerialization().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] unsigned(Map<String, Object> payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(
                JsonUtil.toJson(Map.of("alg", "none", "kid", AUTHORITY)).getBytes(StandardCharsets.UTF_8));
        String body = b64.encodeToString(JsonUtil.toJson(payload).getBytes(StandardCharsets.UTF_8));
        return (header + "." + body + ".").getBytes(StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private Event awaitEvent(String topic) throws InterruptedException {
        return awaitEvent(topic, WAIT, true);
    }

    /** The next fleet event on {@code topic}; with {@code required} false, asserts that none comes. */
    private Event awaitEvent(String topic, Duration timeout, boolean required) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left > 0 ? fleetEvents.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                if (required) {
                    throw new AssertionError("no " + topic + " event within " + timeout);
                }
                return null;
            }
            if (e.getTopic().equals(topic)) {
                if (!required) {
                    throw new AssertionError(
                            "unexpected " + topic + " event: " + e.getProperty(FleetEvents.PROPERTY_TICKET_ID));
                }
                return e;
            }
        }
    }

    private static void broker(String action) throws IOException, InterruptedException {
        HttpResponse<Void> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(System.getProperty(TestBroker.CONTROL_URL) + action))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertEquals("broker " + action, 200, r.statusCode());
    }
}
