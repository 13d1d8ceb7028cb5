package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.broker.internal.mosquitto.MosquittoDynsec;
import io.keywarden.testing.mqtt.SecureMosquitto;

/** Real Mosquitto 2 with mutual TLS, use_identity_as_username and dynamic security; devices connect with Paho. */
class MosquittoContainmentTest {
    private static final Logger LOG = LoggerFactory.getLogger(MosquittoContainmentTest.class);
    static final String ADMIN = "keywarden-admin";
    static final String PASSWORD = "Adm1n-Secret-7f3c";

    @TempDir
    Path dir;
    TestPki pki;
    SecureMosquitto broker;
    TestPki.Leaf sensor7;
    TestPki.Leaf sensor8;
    TestPki.Leaf sensor1;
    private MosquittoContainment containment;
    private final List<Device> devices = new java.util.ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        pki = new TestPki("device-ca");
        TestPki.Leaf server = pki.issue("localhost");
        server.write(dir.resolve("server.pem"), dir.resolve("server.key"));
        broker = SecureMosquitto.start(dir.resolve("mosquitto"), pki.writeCa(dir.resolve("ca.pem")),
                dir.resolve("server.pem"), dir.resolve("server.key"), ADMIN, PASSWORD);
        sensor7 = pki.issue("sensor-7.gw.test");
        sensor8 = pki.issue("sensor-8.gw.test");
        sensor1 = pki.issue("sensor-1.gw.test");
        // what a broker operator sets up at provisioning: each device a dynsec client (Mosquitto 2.0 denies everything
        // to a certificate identity it does not know) with a role for its topics
        List<Map<String, Object>> setup = new java.util.ArrayList<>(List.of(Map.of("command", "createRole",
                "rolename", "sensors", "acls", List.of(
                        Map.of("acltype", "publishClientSend", "topic", "readings/#", "allow", true),
                        Map.of("acltype", "subscribePattern", "topic", "readings/#", "allow", true)))));
        for (TestPki.Leaf l : List.of(sensor7, sensor8, sensor1)) {
            String cn = cn(l);
            setup.add(Map.of("command", "createClient", "username", cn));
            setup.add(Map.of("command", "addClientRole", "username", cn, "rolename", "sensors"));
        }
        try (MosquittoDynsec admin = new MosquittoDynsec(broker.adminUrl(), ADMIN, PASSWORD.toCharArray(),
                pki.clientContext(null).getSocketFactory(), java.time.Duration.ofSeconds(5))) {
            assertTrue(admin.run(setup).accepted());
        }
    }

    static String cn(TestPki.Leaf leaf) {
        return leaf.chain()[0].getSubjectX500Principal().getName().substring("CN=".length());
    }

    @AfterEach
    void stop() {
        devices.forEach(Device::close);
        if (containment != null) {
            containment.close();
        }
        broker.close();
    }

    MosquittoContainment containment() throws Exception {
        if (containment == null) {
            containment = new MosquittoContainment(BrokerOptions.parse(options(), null), Clock.systemUTC()).start();
        }
        return containment;
    }

    Map<String, Object> options() throws Exception {
        return Map.of(BrokerOptions.KEY_URL, broker.adminUrl(), BrokerOptions.KEY_USERNAME, ADMIN,
                BrokerOptions.KEY_PASSWORD, PASSWORD, BrokerOptions.KEY_TRUST, pki.writeCa(dir.resolve("ca.pem")).toString(),
                BrokerOptions.KEY_DATA_DIR, dir.resolve("authority").toString());
    }

    Device device(TestPki.Leaf leaf) throws Exception {
        Device d = Device.connect(broker.deviceUrl(), cn(leaf),
                pki.clientContext(leaf));
        devices.add(d);
        return d;
    }

    /** Publishes as the device and reports whether an observer received it within the wait. */
    static boolean delivered(Device from, Device observer, String text, long waitMillis) throws Exception {
        try {
            from.publish("readings/" + from.name, text);
        } catch (MqttException closed) {
            return false;
        }
        String got;
        while ((got = observer.received.poll(waitMillis, TimeUnit.MILLISECONDS)) != null) {
            if (got.endsWith(" " + text)) {
                return true;
            }
        }
        return false;
    }

    /** A reconnect with the contained certificate gets nothing through and its session is ended. */
    void assertRefusedOnReconnect(TestPki.Leaf leaf, Device observer) throws Exception {
        Device again;
        try {
            again = device(leaf);
        } catch (MqttException refusedAtConnect) {
            return;
        }
        assertFalse(delivered(again, observer, "after-reconnect-" + System.nanoTime(), 1_000),
                "a contained identity's publish must not reach anyone");
        assertTrue(again.awaitLost(5_000), "the broker ends the contained identity's new session");
    }

    @Test
    void containmentEndsTheLiveSessionAndRefusesTheReconnectOthersUnaffected() throws Exception {
        containment();
        Device observer = device(sensor1);
        observer.subscribe("readings/#");
        Device s7 = device(sensor7);
        assertTrue(delivered(s7, observer, "before", 5_000), "sensor-7 publishes before containment");

        long decided = System.nanoTime();
        containment().contain("sensor-7.gw.test", "ticket-7", "revocation");
        assertTrue(s7.awaitLost(10_000), "sensor-7's session is ended");
        LOG.info("decision -> sensor-7's session closed: {} ms", (s7.lostAtNanos() - decided) / 1_000_000.0);

        assertRefusedOnReconnect(sensor7, observer);
        Device s1b = device(sensor8);
        assertTrue(delivered(s1b, observer, "others-unaffected", 5_000));
        String audit = Files.readString(containment.auditFile());
        assertTrue(audit.contains("\"event\":\"answered\""), audit);
        assertTrue(audit.contains("disableClient: ok"), audit);
        assertTrue(audit.contains("reconnect-ended"), audit);
    }

    @Test
    void brokerRestartKeepsTheIdentityDisabled() throws Exception {
        Device observer = device(sensor1);
        observer.subscribe("readings/#");
        Device s7 = device(sensor7);
        containment().contain("sensor-7.gw.test", "ticket-7", "revocation");
        assertTrue(s7.awaitLost(10_000));
        containment.close();
        containment = null;
        observer.close();

        broker.stop();
        broker.start();
        assertTrue(Files.readString(broker.dynsecFile()).contains("\"disabled\":\ttrue"), "dynsec kept its state");
        Device observer2 = device(sensor1);
        observer2.subscribe("readings/#");
        // no authority running: the broker's own state (the deny-all role) keeps sensor-7 out of everything
        Device again = device(sensor7);
        assertFalse(delivered(again, observer2, "after-broker-restart", 1_000));
        again.close();
        // with the authority back, its session is also ended
        containment();
        assertRefusedOnReconnect(sensor7, observer2);
    }

    @Test
    void authorityRestartPushesEveryPendingDecision() throws Exception {
        broker.stop();
        MosquittoContainment first = containment();
        first.contain("sensor-7.gw.test", "ticket-7", "revocation");
        first.contain("sensor-8.gw.test", "ticket-8", "fleet-notice");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(first.auditFile()).contains("\"event\":\"unreachable\"") && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        first.close();
        containment = null;
        String audit = Files.readString(first.auditFile());
        assertTrue(audit.contains("\"event\":\"unreachable\""), audit);
        assertEquals(2, Files.list(dir.resolve("authority/journal")).filter(p -> p.toString().endsWith(".decision")).count());

        broker.start();
        Device observer = device(sensor1);
        observer.subscribe("readings/#");
        containment();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.list(dir.resolve("authority/journal")).anyMatch(p -> p.toString().endsWith(".decision"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, Files.list(dir.resolve("authority/journal")).filter(p -> p.toString().endsWith(".decision")).count(),
                "every journaled decision answered");
        assertRefusedOnReconnect(sensor7, observer);
        assertRefusedOnReconnect(sensor8, observer);
        assertTrue(delivered(device(sensor1), observer, "sensor-1-still-fine", 5_000));
    }

    @Test
    void wrongPasswordIsReportedWithoutTheCredential() throws Exception {
        Map<String, Object> bad = new java.util.HashMap<>(options());
        bad.put(BrokerOptions.KEY_PASSWORD, "Wr0ng-" + PASSWORD);
        try (MosquittoContainment c = new MosquittoContainment(BrokerOptions.parse(bad, null), Clock.systemUTC()).start()) {
            c.contain("sensor-7.gw.test", "t", "revocation");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(c.auditFile()).contains("unreachable") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String audit = Files.readString(c.auditFile());
            assertTrue(audit.contains("unreachable"), audit);
            assertFalse(audit.contains(PASSWORD), audit);
        }
        assertNotNull(BrokerOptions.parse(options(), null).toString());
        assertFalse(BrokerOptions.parse(options(), null).toString().contains(PASSWORD));
        assertThrows(IllegalArgumentException.class, () -> BrokerOptions.parse(Map.of(), dir));
        assertNull(null);
    }
}
