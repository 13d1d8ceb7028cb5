package io.keywarden.demo.servers;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;

import io.keywarden.broker.internal.BrokerOptions;
import io.keywarden.broker.internal.MosquittoContainment;
import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.MqttNoticeSource;
import io.keywarden.relyingparty.Notice;
import io.keywarden.relyingparty.NoticeCodec;
import io.keywarden.relyingparty.NoticeSubscriber;
import io.keywarden.relyingparty.RevocationTrustManager;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestKeys;
import io.keywarden.testing.pki.TestTls;

/**
 * {@code ./keywarden demo-servers}: ten sensors send their readings to a real Mosquitto over mutual TLS and to an
 * HTTPS collector built on the relying-party library; sensor-7 is contained; the broker ends its session and keeps
 * it out when it reconnects, the collector refuses it, the nine others keep working. Exit 0 only if all of that holds.
 */
public final class ServersDemoCommand {
    private static final String FLEET = "demo";
    private final Path work;
    private final PrintStream out;

    public ServersDemoCommand(Path work, PrintStream out) {
        this.work = work;
        this.out = out;
    }

    public int run() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            names.add("sensor-" + i + ".demo.keywarden.test");
        }
        try (ServerStage stage = new ServerStage(work, names)) {
            stage.provision();
            return show(stage);
        }
    }

    private int show(ServerStage stage) throws Exception {
        KeyPair authority = TestKeys.ec();
        DenySet denied = DenySet.open(work.resolve("collector/denied.properties"));
        NoticeSubscriber subscriber = new NoticeSubscriber(authority.getPublic(), "fleet-authority", denied);
        Map<String, AtomicInteger> atCloud = new ConcurrentHashMap<>();
        List<DeviceSession> sessions = new ArrayList<>();
        try (MosquittoContainment containment = new MosquittoContainment(
                                BrokerOptions.parse(stage.authorityOptions(work.resolve("authority")), null),
                                Clock.systemUTC())
                        .start();
                MqttNoticeSource source = new MqttNoticeSource(stage.broker.adminUrl(), FLEET, subscriber)
                        .socketFactory(TestTls.context(stage.pki, null).getSocketFactory())
                        .credentials(ServerStage.COLLECTOR, stage.collectorPassword.toCharArray())
                        .start();
                Collector collector =
                        new Collector(RevocationTrustManager.pkix(TestTls.trustStore(stage.pki.certificate()), denied)
                                .sslContext(TestTls.keyManagers(stage.server)))) {
            MqttClient cloud = cloudSubscriber(stage, atCloud);
            for (Issued d : stage.devices) {
                sessions.add(DeviceSession.connect(
                        stage.broker.deviceUrl(), ServerStage.name(d), TestTls.context(stage.pki, d)));
            }
            int before = round(stage, sessions, collector, "before", atCloud);
            out.printf(
                    "%d sensors send readings to Mosquitto (mutual TLS, identity = certificate CN) and to the HTTPS "
                            + "collector: %d of %d arrived%n",
                    sessions.size(), before, 2 * sessions.size());
            boolean contained = containSensor7(stage, containment, collector, sessions.get(6), authority, atCloud);

            sessions.remove(6).close();
            int after = round(stage, sessions, collector, "after", atCloud);
            out.printf(
                    "The other %d sensors keep working: %d of %d readings arrived (cloud subscriber and collector) "
                            + "after the containment%n",
                    sessions.size(), after, 2 * sessions.size());
            sessions.forEach(DeviceSession::close);
            cloud.disconnect();
            cloud.close();
            boolean ok = before == 20 && contained && after == 2 * sessions.size();
            out.println(
                    ok
                            ? "Contained at the servers: sensor-7 is out of the broker and the collector; the others are not."
                            : "FAILED: sensor-7 was not contained at every server");
            return ok ? 0 : 1;
        }
    }

    /** Contains sensor-7 at the broker and the collector, prints how fast, and whether its reconnect is refused. */
    private boolean containSensor7(
            ServerStage stage,
            MosquittoContainment containment,
            Collector collector,
            DeviceSession session7,
            KeyPair authority,
            Map<String, AtomicInteger> atCloud)
            throws Exception {
        Issued s7 = stage.devices.get(6);
        SSLContext tls7 = TestTls.context(stage.pki, s7);

        MqttClient notices = stage.noticePublisher();
        long decided = System.nanoTime();
        containment.contain(ServerStage.name(s7), "demo-sensor-7", "revocation");
        publishNotice(notices, authority, s7);
        boolean closed = session7.awaitLost(10_000);
        long refusedAt = awaitRefused(tls7, collector, decided);
        out.printf("  CONTAINED sensor-7 (serial %s, broker identity %s)%n", s7.serialHex(), ServerStage.name(s7));
        out.printf(
                "  decision -> its MQTT session closed by Mosquitto: %s%n",
                closed ? String.format("%.1f ms", (session7.lostAtNanos() - decided) / 1e6) : "NOT CLOSED");
        out.printf(
                "  decision -> refused by the HTTPS collector:       %s%n",
                refusedAt != 0
                        ? String.format("%.1f ms (TLS handshake refused)", (refusedAt - decided) / 1e6)
                        : "NOT REFUSED");
        boolean reconnectRefused = reconnectRefused(stage, s7, atCloud);
        out.printf(
                "  sensor-7 reconnects with the same certificate: %s%n",
                reconnectRefused ? "session ended by the broker, nothing it sent was delivered" : "NOT REFUSED");
        return closed && refusedAt != 0 && reconnectRefused;
    }

    private static MqttClient cloudSubscriber(ServerStage stage, Map<String, AtomicInteger> atCloud) throws Exception {
        MqttClient cloud = stage.passwordClient(ServerStage.CLOUD, stage.cloudPassword);
        cloud.subscribe(
                "readings/#",
                0,
                (topic, m) -> atCloud.computeIfAbsent(topic.substring(9), k -> new AtomicInteger())
                        .incrementAndGet());
        return cloud;
    }

    /** The signed notice the authority's fleet component would publish for the accepted revocation. */
    private static void publishNotice(MqttClient notices, KeyPair authority, Issued device) throws Exception {
        try {
            notices.publish(
                    "keywarden/" + FLEET + "/revocation-notices/demo-sensor-7",
                    NoticeCodec.sign(
                                    new Notice(
                                            "demo-sensor-7",
                                            List.of(device.serialHex()),
                                            List.of("sensor-7"),
                                            1,
                                            Instant.now(),
                                            "fleet-authority"),
                                    authority.getPrivate())
                            .getBytes(StandardCharsets.US_ASCII),
                    1,
                    true);
            notices.disconnect();
        } finally {
            notices.close();
        }
    }

    /** When the collector first refused the device (new connections, resumption attempted), 0 if not within 10 s. */
    private static long awaitRefused(SSLContext tls, Collector collector, long since) {
        while (System.nanoTime() - since < 10_000_000_000L) {
            if (Collector.send(tls, collector.port(), "after containment") == -1) {
                return System.nanoTime();
            }
        }
        return 0;
    }

    /**
     * Every session publishes one reading over MQTT and posts one to the collector; returns how many arrived: at the
     * cloud subscriber (QoS 0 publishes raise no error when the broker drops them) and at the collector.
     */
    private int round(
            ServerStage stage,
            List<DeviceSession> sessions,
            Collector collector,
            String label,
            Map<String, AtomicInteger> atCloud)
            throws Exception {
        int ok = 0;
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < sessions.size(); i++) {
            Issued d = stage.devices.get(i < 6 || sessions.size() == 10 ? i : i + 1);
            int seen = atCloud.getOrDefault(ServerStage.name(d), new AtomicInteger())
                    .get();
            try {
                sessions.get(i)
                        .publish(
                                "readings/" + ServerStage.name(d), (label + " 21.5C").getBytes(StandardCharsets.UTF_8));
                expected.put(ServerStage.name(d), seen + 1);
            } catch (MqttException e) {
                out.printf("  %s: MQTT publish failed: %s%n", ServerStage.name(d), e.getMessage());
            }
            if (Collector.send(TestTls.context(stage.pki, d), collector.port(), label) == 200) {
                ok++;
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && !arrived(expected, atCloud)) {
            Thread.sleep(10);
        }
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            if (atCloud.getOrDefault(e.getKey(), new AtomicInteger()).get() >= e.getValue()) {
                ok++;
            }
        }
        return ok;
    }

    private static boolean arrived(Map<String, Integer> expected, Map<String, AtomicInteger> atCloud) {
        return expected.entrySet().stream()
                .allMatch(e ->
                        atCloud.getOrDefault(e.getKey(), new AtomicInteger()).get() >= e.getValue());
    }

    private static boolean reconnectRefused(ServerStage stage, Issued s7, Map<String, AtomicInteger> atCloud)
            throws Exception {
        int delivered =
                atCloud.getOrDefault(ServerStage.name(s7), new AtomicInteger()).get();
        DeviceSession again;
        try {
            again = DeviceSession.connect(
                    stage.broker.deviceUrl(), ServerStage.name(s7), TestTls.context(stage.pki, s7));
        } catch (MqttException refusedAtConnect) {
            return true;
        }
        try (again) {
            try {
                again.publish("readings/" + ServerStage.name(s7), "after reconnect".getBytes(StandardCharsets.UTF_8));
            } catch (MqttException closedAlready) {
                // the broker ended the session before the publish
            }
            boolean ended = again.awaitLost(5_000);
            Thread.sleep(300);
            return ended
                    && atCloud.getOrDefault(ServerStage.name(s7), new AtomicInteger())
                                    .get()
                            == delivered;
        }
    }
}
