package io.keywarden.demo.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.keywarden.broker.internal.mosquitto.MosquittoDynsec;
import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.MqttNoticeSource;
import io.keywarden.relyingparty.NoticeSubscriber;
import io.keywarden.relyingparty.RevocationTrustManager;
import io.keywarden.testing.mqtt.SecureMosquitto;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.LeafBuilder;
import io.keywarden.testing.pki.TestCa;

/**
 * The servers of {@code ./keywarden demo} and {@code demo-fleet}: a real Mosquitto (mutual TLS for devices with the
 * certificates they got from Pebble, dynamic security, as docs/servers.md says), provisioned with one client per
 * device; and, for {@code demo}, the HTTPS collector built on the relying-party library, fed by the signed notices
 * the runtime's fleet component publishes. The runtime's broker bundle does the containment; this class only sets
 * the servers up and watches what the devices experience.
 */
public final class SensorServers implements AutoCloseable {
    public static final String ADMIN = "keywarden-admin";
    public static final String AUTHORITY = "keywarden-authority";
    private static final String COLLECTOR = "collector";
    private static final String CLOUD = "cloud-reader";
    private static final char[] PW = "demo".toCharArray();

    private final Path work;
    private final TestCa serverCa = TestCa.root("Keywarden demo servers CA");
    private final Issued server = serverCa.leaf("localhost")
            .dnsNames("localhost")
            .ipAddresses("127.0.0.1")
            .usage(LeafBuilder.Usage.TLS_SERVER)
            .validFor(Duration.ofDays(1))
            .issue();
    private final Path serverCaFile;
    private final List<X509Certificate> deviceRoots;
    private final String adminPassword = secret();
    private final String authorityPassword = secret();
    private final String collectorPassword = secret();
    private final String cloudPassword = secret();
    private final SecureMosquitto broker;
    private final Map<String, DeviceSession> sessions = new LinkedHashMap<>();
    private final Map<String, SSLContext> tls = new LinkedHashMap<>();
    private final Map<String, String> identities = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> atCloud = new ConcurrentHashMap<>();
    private MqttClient cloud;
    private MqttNoticeSource notices;
    private Collector collector;

    private SensorServers(Path work, String deviceCaPem, List<X509Certificate> deviceRoots) throws Exception {
        this.work = work;
        this.deviceRoots = List.copyOf(deviceRoots);
        Files.createDirectories(work);
        serverCaFile = Files.writeString(work.resolve("servers-ca.pem"), serverCa.certificatePem());
        Files.writeString(work.resolve("broker.pem"), server.chainPem());
        Files.writeString(work.resolve("broker.key"), server.keyPem());
        Path deviceCa = Files.writeString(work.resolve("device-ca.pem"), deviceCaPem);
        broker = SecureMosquitto.start(
                work.resolve("mosquitto"),
                deviceCa,
                work.resolve("broker.pem"),
                work.resolve("broker.key"),
                ADMIN,
                adminPassword);
    }

    /**
     * Starts Mosquitto and provisions a dynamic-security client per broker identity (the first DNS name of each
     * device, which Pebble writes as the CN).
     *
     * @param deviceCaPem the chain that issues the devices' certificates (Pebble's intermediate and root)
     */
    public static SensorServers start(
            Path work, String deviceCaPem, List<X509Certificate> deviceRoots, Collection<String> brokerIdentities)
            throws Exception {
        SensorServers s = new SensorServers(work, deviceCaPem, deviceRoots);
        try {
            s.provision(brokerIdentities);
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    private void provision(Collection<String> brokerIdentities) throws Exception {
        List<Map<String, Object>> c = new ArrayList<>();
        c.add(Map.of(
                "command",
                "createRole",
                "rolename",
                "sensors",
                "acls",
                List.of(Map.of("acltype", "publishClientSend", "topic", "readings/#", "allow", true))));
        c.add(Map.of(
                "command",
                "createRole",
                "rolename",
                "notices",
                "acls",
                List.of(
                        Map.of(
                                "acltype",
                                "publishClientSend",
                                "topic",
                                "keywarden/+/revocation-notices/#",
                                "allow",
                                true),
                        Map.of(
                                "acltype",
                                "subscribePattern",
                                "topic",
                                "keywarden/+/revocation-notices/#",
                                "allow",
                                true))));
        c.add(Map.of(
                "command",
                "createRole",
                "rolename",
                "readers",
                "acls",
                List.of(Map.of("acltype", "subscribePattern", "topic", "readings/#", "allow", true))));
        c.add(client(CLOUD, cloudPassword, "readers"));
        c.add(client(AUTHORITY, authorityPassword, "notices"));
        c.add(client(COLLECTOR, collectorPassword, "notices"));
        for (String identity : brokerIdentities) {
            c.add(Map.of(
                    "command", "createClient", "username", identity, "roles", List.of(Map.of("rolename", "sensors"))));
        }
        try (MosquittoDynsec admin = new MosquittoDynsec(
                broker.adminUrl(),
                ADMIN,
                adminPassword.toCharArray(),
                clientContext(null).getSocketFactory(),
                Duration.ofSeconds(10))) {
            var answer = admin.run(c);
            if (!answer.accepted()) {
                throw new IllegalStateException("provisioning refused by Mosquitto: " + answer.detail());
            }
        }
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

    /** PID io.keywarden.broker.mosquitto for the runtime: the authority's dynamic-security admin identity. */
    public Map<String, String> brokerContainmentConfig(Path dataDir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("broker.admin.url", broker.adminUrl());
        m.put("broker.admin.username", ADMIN);
        m.put("broker.admin.password", adminPassword);
        m.put("broker.trust.anchor", serverCaFile.toAbsolutePath().toString());
        m.put("data.dir", dataDir.toAbsolutePath().toString());
        return m;
    }

    /** The MQTT part of PID io.keywarden.fleet for a notice publisher on the admin listener. */
    public Map<String, String> noticePublisherMqtt() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mqtt.broker.url", broker.adminUrl());
        m.put("mqtt.username", AUTHORITY);
        m.put("mqtt.password", authorityPassword);
        m.put("mqtt.trust.anchor", serverCaFile.toAbsolutePath().toString());
        return m;
    }

    public String deviceUrl() {
        return broker.deviceUrl();
    }

    public Path brokerLog() {
        return broker.logFile();
    }

    /** A cloud subscriber on readings/#, counting what the broker delivered per broker identity. */
    public void startCloudReader() throws Exception {
        cloud = new MqttClient(broker.adminUrl(), CLOUD + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(CLOUD);
        o.setPassword(cloudPassword.toCharArray());
        o.setSocketFactory(clientContext(null).getSocketFactory());
        cloud.connect(o);
        cloud.subscribe(
                "readings/#",
                0,
                (topic, m) -> atCloud.computeIfAbsent(topic.substring("readings/".length()), k -> new AtomicInteger())
                        .incrementAndGet());
    }

    /**
     * Starts the HTTPS collector: the relying-party library's trust manager over the devices' CA roots, its deny set
     * fed by the fleet's signed notices on the broker (verified with the authority's key).
     */
    public void startCollector(String fleetId, PublicKey authorityKey, String authorityId) throws Exception {
        DenySet denied = DenySet.open(work.resolve("collector/denied.properties"));
        NoticeSubscriber subscriber = new NoticeSubscriber(authorityKey, authorityId, denied);
        notices = new MqttNoticeSource(broker.adminUrl(), fleetId, subscriber)
                .socketFactory(clientContext(null).getSocketFactory())
                .credentials(COLLECTOR, collectorPassword.toCharArray())
                .start();
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        for (int i = 0; i < deviceRoots.size(); i++) {
            roots.setCertificateEntry("root-" + i, deviceRoots.get(i));
        }
        collector = new Collector(
                RevocationTrustManager.pkix(roots, denied).sslContext(keyManagers(server.key(), server.chain())));
    }

    /** A device: its broker user name (the certificate's CN), its key and the chain its CA issued. */
    public record Device(String brokerIdentity, KeyPair key, List<X509Certificate> chain) {}

    /** Every device's MQTT session over mutual TLS, opened in parallel (each handshake waits on the broker). */
    public void connectAll(Map<String, Device> devices) throws Exception {
        Map<String, Future<DeviceSession>> pending = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(devices.size(), 10)));
        try {
            for (Map.Entry<String, Device> e : devices.entrySet()) {
                Device d = e.getValue();
                SSLContext context = clientContext(keyManagers(d.key(), d.chain()));
                tls.put(e.getKey(), context);
                identities.put(e.getKey(), d.brokerIdentity());
                pending.put(
                        e.getKey(),
                        pool.submit(() -> DeviceSession.connect(broker.deviceUrl(), d.brokerIdentity(), context)));
            }
            for (Map.Entry<String, Future<DeviceSession>> e : pending.entrySet()) {
                sessions.put(e.getKey(), e.getValue().get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Whether the broker's log shows that it ended (by administrative action) the last session of this user name, or
     * that the name has not connected since line {@code sinceLine}: what a reconnect of a contained identity must come
     * to. A client that gave up on its own would not count.
     */
    boolean lastSessionEnded(String brokerIdentity, int sinceLine) throws IOException {
        List<String> lines = Files.readAllLines(broker.logFile(), StandardCharsets.UTF_8);
        String clientId = null;
        boolean ended = true;
        Pattern connected = Pattern.compile(
                "New client connected from \\S+ as (\\S+) " + "\\(.*u'" + Pattern.quote(brokerIdentity) + "'\\)");
        for (String line : lines.subList(Math.min(sinceLine, lines.size()), lines.size())) {
            Matcher m = connected.matcher(line);
            if (m.find()) {
                clientId = m.group(1);
                ended = false;
            } else if (clientId != null
                    && line.contains("Client " + clientId + " ")
                    && line.contains("disconnected by administrative action")) {
                ended = true;
            }
        }
        return ended;
    }

    int brokerLogLines() throws IOException {
        return Files.exists(broker.logFile())
                ? Files.readAllLines(broker.logFile(), StandardCharsets.UTF_8).size()
                : 0;
    }

    SSLContext tls(String deviceId) {
        return tls.get(deviceId);
    }

    String identity(String deviceId) {
        return identities.get(deviceId);
    }

    DeviceSession session(String deviceId) {
        return sessions.get(deviceId);
    }

    Collector collector() {
        return collector;
    }

    int deliveredFrom(String deviceId) {
        return atCloud.getOrDefault(identities.get(deviceId), new AtomicInteger())
                .get();
    }

    /** Drops a device's session on this side (after the broker ended it). */
    void forget(String deviceId) {
        DeviceSession s = sessions.remove(deviceId);
        if (s != null) {
            s.close();
        }
    }

    Collection<String> connected() {
        return List.copyOf(sessions.keySet());
    }

    /** Client context trusting the servers' CA, with the given key managers (null: no client certificate). */
    private SSLContext clientContext(KeyManager[] keys) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", serverCa.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(keys, tmf.getTrustManagers(), null);
        return c;
    }

    private static KeyManager[] keyManagers(KeyPair key, List<X509Certificate> chain) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key.getPrivate(), PW, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, PW);
        return kmf.getKeyManagers();
    }

    private static String secret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        sessions.values().forEach(DeviceSession::close);
        sessions.clear();
        try {
            if (cloud != null) {
                cloud.disconnectForcibly(500);
                cloud.close();
            }
        } catch (Exception ignored) {
            // the broker goes away next
        }
        if (notices != null) {
            notices.close();
        }
        if (collector != null) {
            collector.close();
        }
        broker.close();
    }
}
