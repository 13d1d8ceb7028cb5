package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.cloudconnection.subscriber.CloudSubscriber;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.fleet.transport.FleetTransport;
import io.keywarden.api.revocation.DenyList;

/**
 * A gateway whose fleet messages go only through Kura's cloud connection: its fleet configuration names no broker
 * (transport auto → kura-cloud), and the Kura adapter carries the messages over Kura-shaped CloudPublisher and
 * CloudSubscriber services (raw MQTT connection, see {@link KuraCloudFakes}) on a real Mosquitto. The authority side
 * speaks MQTT directly to the same broker, on the fleet's own topics: it receives the gateway's signed inventory and
 * escrow deposit and its revocation notice reaches the gateway, which denies the named certificate. Real Pebble
 * enrolls the gateway. The notice is signed by the test with jose4j in the documented format.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KuraCloudTransportIT extends KeywardenTestSupport {
    private static final String AUTHORITY = "fleet-authority";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);
    private final List<Configuration> configs = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();
    private final BlockingQueue<Event> fleetEvents = new LinkedBlockingQueue<>();
    private KuraCloudFakes.Endpoint endpoint;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return OptionUtils.combine(KeywardenOptions.kuraOptions(), TestBroker.options());
    }

    @After
    public void removeCloudAndFleet() throws Exception {
        for (Configuration c : configs) {
            c.delete();
        }
        registrations.forEach(ServiceRegistration::unregister);
        if (endpoint != null) {
            endpoint.close();
        }
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
    }

    @Test
    public void reportsGoOutAndARevocationComesInThroughKurasCloudConnectionOnly() throws Exception {
        String gw = "gw-kura-cloud-transport." + framework() + ".keywarden.example";
        String fleet = "fleet-" + Long.toHexString(System.nanoTime());
        KeyPair authority = ecKeyPair();
        KeyPair escrow = ecKeyPair();
        Path escrowKey = dataDir.resolve("escrow-public.pem");
        Files.writeString(escrowKey, pem("PUBLIC KEY", escrow.getPublic().getEncoded()));
        Path deposits = dataDir.resolve("escrow-deposits");
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, FleetEvents.TOPIC_NOTICE_REJECTED);
        registrations.add(context.registerService(EventHandler.class, fleetEvents::add, topics));

        // the authority side: a plain MQTT client on the fleet's topics
        MqttClient authoritySide = connect("authority");
        BlockingQueue<String> inventories = new LinkedBlockingQueue<>();
        BlockingQueue<String> escrows = new LinkedBlockingQueue<>();
        authoritySide.subscribe(
                "keywarden/" + fleet + "/log/+",
                1,
                (t, m) -> inventories.add(t + " " + new String(m.getPayload(), StandardCharsets.US_ASCII)));
        authoritySide.subscribe(
                "keywarden/" + fleet + "/escrow/+",
                1,
                (t, m) -> escrows.add(t + " " + new String(m.getPayload(), StandardCharsets.US_ASCII)));

        // Kura's cloud connection, chosen in the adapter's configuration by kura.service.pid as in the console
        endpoint = new KuraCloudFakes.Endpoint(System.getProperty(TestBroker.MQTT_URL), "kura-gw-" + System.nanoTime());
        endpoint.connect();
        KuraCloudFakes.Publisher inventoryPublisher =
                new KuraCloudFakes.Publisher(endpoint, "keywarden/" + fleet + "/log/" + gw);
        register(CloudPublisher.class, inventoryPublisher, "keywarden-inventory");
        register(
                CloudPublisher.class,
                new KuraCloudFakes.Publisher(endpoint, "keywarden/" + fleet + "/escrow/" + gw),
                "keywarden-escrow");
        register(
                CloudSubscriber.class,
                new KuraCloudFakes.Subscriber(endpoint, "keywarden/" + fleet + "/revocation-notices/+"),
                "keywarden-notices");
        register(
                CloudSubscriber.class,
                new KuraCloudFakes.Subscriber(endpoint, "keywarden/" + fleet + "/log-ack/" + gw),
                "keywarden-log-ack");
        configure(
                "io.keywarden.kura.fleet",
                Map.of(
                        "CloudPublisher.target", "(kura.service.pid=keywarden-inventory)",
                        "EscrowCloudPublisher.target", "(kura.service.pid=keywarden-escrow)",
                        "CloudSubscriber.target", "(kura.service.pid=keywarden-notices)",
                        "AckCloudSubscriber.target", "(kura.service.pid=keywarden-log-ack)"));
        awaitService(FleetTransport.class);

        // the gateway: ACME with escrow, and a fleet configuration without any broker setting
        Hashtable<String, Object> acme = gatewayConfig(ca, gw);
        acme.put("escrow.authority.key", escrowKey.toString());
        acme.put("escrow.deposit.dir", deposits.toString());
        applyConfig(acme);
        Path fleetData = dataDir.resolve("fleet");
        configure(
                "io.keywarden.fleet",
                Map.of(
                        "fleet.id",
                        fleet,
                        "authority.id",
                        AUTHORITY,
                        "authority.public.key",
                        pem("PUBLIC KEY", authority.getPublic().getEncoded()),
                        "inventory.publish",
                        true,
                        "escrow.deposit.dir",
                        deposits.toString(),
                        "data.dir",
                        fleetData.toString()));
        DenyList notices = awaitNoticeDenyList();
        GatewayEnrollmentService gateway = awaitGatewayService();
        X509Certificate cert = awaitGatewayEnrolled(gateway).getCertificate();

        // out: the signed issuance log and escrow deposit arrive on the fleet topics, signed by the gateway's key
        Map<String, Object> entry = awaitSigned(inventories, "keywarden/" + fleet + "/log/" + gw, cert);
        assertEquals(gw, entry.get("gateway"));
        assertEquals("the log starts with the gateway's own certificate", 1L, entry.get("seq"));
        Map<String, Object> deposit = awaitSigned(escrows, "keywarden/" + fleet + "/escrow/" + gw, cert);
        assertTrue("the escrow message carries the deposit", deposit.get("deposit") instanceof String);
        // Kura confirmed both: nothing is left in the outbox
        awaitTrue(
                "the inventory outbox empties on Kura's delivery confirmations",
                WAIT,
                () -> outbox(fleetData.resolve("inventory-outbox")).isEmpty());

        // in: the authority's signed acknowledgement of entry 1 reaches the gateway's log through the second subscriber
        Path gatewayLog = fleetData.resolve("issuance-log").resolve(gw + ".log");
        String first = Files.readAllLines(gatewayLog, StandardCharsets.UTF_8).get(0);
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(first.getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("v", 1);
        ack.put("type", "log-ack");
        ack.put("gateway", gw);
        ack.put("seq", 1);
        ack.put("hash", hash);
        ack.put("resend", false);
        authoritySide.publish("keywarden/" + fleet + "/log-ack/" + gw, sign(authority.getPrivate(), ack), 1, true);
        Path ackFile = fleetData.resolve("issuance-log").resolve(gw + ".ack");
        awaitTrue(
                "the gateway records the authority's acknowledged head",
                WAIT,
                () -> readOrEmpty(ackFile).trim().equals("1 " + hash));

        // in: the authority's notice reaches the gateway through the CloudSubscriber and is applied
        assertFalse(notices.isDenied("a1b2c3"));
        authoritySide.publish(
                "keywarden/" + fleet + "/revocation-notices/t-kura",
                sign(authority.getPrivate(), notice("t-kura", List.of("a1b2c3"))),
                1,
                true);
        awaitTrue("the notice denies the serial", WAIT, () -> notices.isDenied("a1b2c3"));
        assertEquals(Set.of("a1b2c3"), notices.getDeniedSerials());

        // a notice signed by another key comes through the same way and is rejected: it denies nothing
        authoritySide.publish(
                "keywarden/" + fleet + "/revocation-notices/t-forged",
                sign(ecKeyPair().getPrivate(), notice("t-forged", List.of("dd"))),
                1,
                true);
        Event rejected = fleetEvents.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue("a NOTICE_REJECTED event", rejected != null);
        assertEquals(
                "keywarden/" + fleet + "/revocation-notices/t-forged",
                rejected.getProperty(FleetEvents.PROPERTY_MQTT_TOPIC));
        assertFalse(notices.isDenied("dd"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private <T> void register(Class<T> type, T service, String kuraPid) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("kura.service.pid", kuraPid);
        registrations.add(context.registerService(type, service, p));
    }

    private void configure(String pid, Map<String, Object> properties) throws Exception {
        Configuration c = configAdmin.getConfiguration(pid, "?");
        c.update(new Hashtable<>(properties));
        configs.add(c);
    }

    private DenyList awaitNoticeDenyList() throws Exception {
        String filter = "(" + FleetEvents.DENY_SOURCE_PROPERTY + "=" + FleetEvents.DENY_SOURCE_NOTICES + ")";
        return await("the notices' DenyList", SERVICE_TIMEOUT, () -> {
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

    /** The first message on {@code topic} that verifies with {@code signer}'s key, as its JSON payload. */
    private static Map<String, Object> awaitSigned(BlockingQueue<String> queue, String topic, X509Certificate signer)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = queue.poll(250, TimeUnit.MILLISECONDS);
            if (m == null || !m.startsWith(topic + " ")) {
                continue;
            }
            JsonWebSignature jws = new JsonWebSignature();
            // a log batch carries one compact JWS per line: the first one is enough here
            jws.setCompactSerialization(m.substring(topic.length() + 1).split("\n")[0]);
            jws.setKey(signer.getPublicKey());
            if (jws.verifySignature()) {
                return JsonUtil.parseJson(jws.getPayload());
            }
        }
        throw new AssertionError("no message on " + topic + " signed by the gateway within " + WAIT);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.US_ASCII) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Path> outbox(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jws")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    private static Map<String, Object> notice(String ticket, List<String> serials) {
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

    private static byte[] sign(PrivateKey key, Map<String, Object> payload) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(AUTHORITY);
        jws.setKey(key);
        return jws.getCompactSerialization().getBytes(StandardCharsets.US_ASCII);
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
