package io.keywarden.demo.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.keywarden.broker.internal.mosquitto.MosquittoDynsec;
import io.keywarden.testing.mqtt.SecureMosquitto;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.Pem;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.pki.TestTls;

/**
 * A real Mosquitto set up as docs/servers.md says (mutual TLS for devices, dynamic security), with what a broker
 * operator provisions: a client and a role per device, a notice publisher for the authority, a notice reader for
 * the collector (both with passwords on the admin listener).
 */
final class ServerStage implements AutoCloseable {
    static final String ADMIN = "keywarden-admin";
    static final String AUTHORITY = "keywarden-authority";
    static final String COLLECTOR = "collector";
    static final String CLOUD = "cloud-reader";

    final TestCa pki;
    final Issued server;
    final SecureMosquitto broker;
    final List<Issued> devices = new ArrayList<>();
    final String adminPassword = secret();
    final String authorityPassword = secret();
    final String collectorPassword = secret();
    final String cloudPassword = secret();
    private final Path caFile;

    ServerStage(Path work, List<String> deviceNames) throws Exception {
        this(work, 0);
        for (String name : deviceNames) {
            devices.add(pki.issue(name));
        }
    }

    private ServerStage(Path work, int deviceCount) throws Exception {
        Files.createDirectories(work);
        pki = TestCa.root("Keywarden bench CA");
        server = pki.leaf("localhost")
                .dnsNames("localhost")
                .ipAddresses("127.0.0.1")
                .issue();
        Files.writeString(work.resolve("broker.pem"), Pem.certificate(server.certificate()));
        Files.writeString(work.resolve("broker.key"), server.keyPem());
        caFile = Files.writeString(work.resolve("ca.pem"), pki.certificatePem());
        broker = SecureMosquitto.start(
                work.resolve("mosquitto"),
                caFile,
                work.resolve("broker.pem"),
                work.resolve("broker.key"),
                ADMIN,
                adminPassword);
        for (int i = 0; i < deviceCount; i++) {
            devices.add(pki.issue("sensor-" + i + ".bench.keywarden.test"));
        }
    }

    static ServerStage start(Path work, int deviceCount) throws Exception {
        ServerStage stage = new ServerStage(work, deviceCount);
        try {
            stage.provision();
            return stage;
        } catch (Exception e) {
            stage.close();
            throw e;
        }
    }

    void provision() throws Exception {
        String notices = "keywarden/+/revocation-notices/#";
        List<Map<String, Object>> c = new ArrayList<>();
        c.add(role("sensors", acl("publishClientSend", "readings/#")));
        c.add(role("notices", acl("publishClientSend", notices), acl("subscribePattern", notices)));
        c.add(role("readers", acl("subscribePattern", "readings/#")));
        c.add(client(CLOUD, cloudPassword, "readers"));
        c.add(client(AUTHORITY, authorityPassword, "notices"));
        c.add(client(COLLECTOR, collectorPassword, "notices"));
        for (Issued d : devices) {
            // a device logs in with its certificate (use_identity_as_username): no password
            c.add(Map.of(
                    "command", "createClient", "username", name(d), "roles", List.of(Map.of("rolename", "sensors"))));
        }
        try (MosquittoDynsec admin = new MosquittoDynsec(
                broker.adminUrl(),
                ADMIN,
                adminPassword.toCharArray(),
                TestTls.context(pki, null).getSocketFactory(),
                Duration.ofSeconds(10))) {
            var answer = admin.run(c);
            if (!answer.accepted()) {
                throw new IllegalStateException("provisioning refused by Mosquitto: " + answer.detail());
            }
        }
    }

    @SafeVarargs
    private static Map<String, Object> role(String name, Map<String, Object>... acls) {
        return Map.of("command", "createRole", "rolename", name, "acls", List.of(acls));
    }

    private static Map<String, Object> acl(String type, String topic) {
        return Map.of("acltype", type, "topic", topic, "allow", true);
    }

    private static Map<String, Object> client(String user, String password, String role) {
        return Map.of(
                "command",
                "createClient",
                "username",
                user,
                "password",
                password,
                "roles",
                List.of(Map.of("rolename", role)));
    }

    Map<String, Object> authorityOptions(Path dataDir) {
        return Map.of(
                "broker.admin.url",
                broker.adminUrl(),
                "broker.admin.username",
                ADMIN,
                "broker.admin.password",
                adminPassword,
                "broker.trust.anchor",
                caFile.toString(),
                "data.dir",
                dataDir.toString());
    }

    /** The authority's notice publisher (the fleet bundle's role in a full deployment). */
    MqttClient noticePublisher() throws Exception {
        return passwordClient(AUTHORITY, authorityPassword);
    }

    /** A client of the admin listener with a dynsec user name and password. */
    MqttClient passwordClient(String user, String password) throws Exception {
        MqttClient client = new MqttClient(broker.adminUrl(), user + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        o.setSocketFactory(TestTls.context(pki, null).getSocketFactory());
        client.connect(o);
        return client;
    }

    /** A device's broker identity: the CN of its certificate (Mosquitto's use_identity_as_username). */
    static String name(Issued device) {
        return device.certificate().getSubjectX500Principal().getName().substring("CN=".length());
    }

    private static String secret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        broker.close();
    }
}
