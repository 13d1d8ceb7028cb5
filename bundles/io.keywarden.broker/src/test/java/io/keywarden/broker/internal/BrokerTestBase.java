package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.broker.internal.mosquitto.MosquittoDynsec;
import io.keywarden.testing.mqtt.SecureMosquitto;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.Pem;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.pki.TestTls;

/** Real Mosquitto 2 with mutual TLS, use_identity_as_username and dynamic security; devices connect with Paho. */
abstract class BrokerTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerTestBase.class);
    static final String ADMIN = "keywarden-admin";
    static final String PASSWORD = "Adm1n-Secret-7f3c";

    @TempDir
    Path dir;

    TestCa pki;
    SecureMosquitto broker;
    Issued sensor7;
    Issued sensor8;
    Issued sensor1;
    MosquittoContainment containment;
    private final List<Device> devices = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        pki = TestCa.root("device-ca");
        Issued server = pki.leaf("localhost")
                .dnsNames("localhost")
                .ipAddresses("127.0.0.1")
                .issue();
        Files.writeString(dir.resolve("server.pem"), Pem.certificate(server.certificate()));
        Files.writeString(dir.resolve("server.key"), server.keyPem());
        broker = SecureMosquitto.start(
                dir.resolve("mosquitto"),
                caFile(),
                dir.resolve("server.pem"),
                dir.resolve("server.key"),
                ADMIN,
                PASSWORD);
        sensor7 = pki.issue("sensor-7.gw.test");
        sensor8 = pki.issue("sensor-8.gw.test");
        sensor1 = pki.issue("sensor-1.gw.test");
        // what a broker operator sets up at provisioning: each device a dynsec client (Mosquitto 2.0 denies everything
        // to a certificate identity it does not know) with a role for its topics
        List<Map<String, Object>> setup = new ArrayList<>(List.of(Map.of(
                "command",
                "createRole",
                "rolename",
                "sensors",
                "acls",
                List.of(
                        Map.of("acltype", "publishClientSend", "topic", "readings/#", "allow", true),
                        Map.of("acltype", "subscribePattern", "topic", "readings/#", "allow", true)))));
        for (Issued l : List.of(sensor7, sensor8, sensor1)) {
            String cn = cn(l);
            setup.add(Map.of("command", "createClient", "username", cn));
            setup.add(Map.of("command", "addClientRole", "username", cn, "rolename", "sensors"));
        }
        try (MosquittoDynsec admin = admin()) {
            assertTrue(admin.run(setup).accepted());
        }
    }

    /** A dynamic-security client as the broker's administrator. */
    MosquittoDynsec admin() throws Exception {
        return new MosquittoDynsec(
                broker.adminUrl(),
                ADMIN,
                PASSWORD.toCharArray(),
                TestTls.context(pki, null).getSocketFactory(),
                Duration.ofSeconds(5));
    }

    static String cn(Issued leaf) {
        return leaf.certificate().getSubjectX500Principal().getName().substring("CN=".length());
    }

    /** The device CA as PEM, what the broker and the containment trust. */
    Path caFile() throws Exception {
        return Files.writeString(dir.resolve("ca.pem"), pki.certificatePem());
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
        return Map.of(
                BrokerOptions.KEY_URL,
                broker.adminUrl(),
                BrokerOptions.KEY_USERNAME,
                ADMIN,
                BrokerOptions.KEY_PASSWORD,
                PASSWORD,
                BrokerOptions.KEY_TRUST,
                caFile().toString(),
                BrokerOptions.KEY_DATA_DIR,
                dir.resolve("authority").toString());
    }

    Device device(Issued leaf) throws Exception {
        Device d = Device.connect(broker.deviceUrl(), cn(leaf), TestTls.context(pki, leaf));
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
    void assertRefusedOnReconnect(Issued leaf, Device observer) throws Exception {
        Device again;
        try {
            again = device(leaf);
        } catch (MqttException refusedAtConnect) {
            return;
        }
        assertFalse(
                delivered(again, observer, "after-reconnect-" + System.nanoTime(), 1_000),
                "a contained identity's publish must not reach anyone");
        assertTrue(again.awaitLost(5_000), "the broker ends the contained identity's new session");
    }
}
