package io.keywarden.demo.servers;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
 * {@code ./keywarden bench-servers [N]}: N trials (default 50). In each a fresh device holds an MQTT session on a real
 * Mosquitto (mutual TLS, dynamic security) and is served by the HTTPS collector; then the authority decides its
 * revocation: what its components do on the ACCEPTED event, at once: the broker decision (journal, dynsec) and the
 * signed notice on the fleet topic. Measured from that moment: (a) the device's MQTT session closed by the broker,
 * (b) the first refused handshake at the collector (it learns of the notice over MQTT through the library).
 */
public final class BenchServersCommand {
    private static final String FLEET = "bench";
    private final Path work;
    private final PrintStream out;

    public BenchServersCommand(Path work, PrintStream out) {
        this.work = work;
        this.out = out;
    }

    public int run(List<String> args) throws Exception {
        int trials = args.isEmpty() ? 50 : Integer.parseInt(args.get(0));
        ServerStage stage = ServerStage.start(work, trials);
        try (stage) {
            return measure(stage, trials);
        }
    }

    private int measure(ServerStage stage, int trials) throws Exception {
        KeyPair authority = TestKeys.ec();
        DenySet denied = DenySet.open(work.resolve("collector/denied.properties"));
        NoticeSubscriber subscriber = new NoticeSubscriber(authority.getPublic(), "fleet-authority", denied);
        List<Double> toClosed = new ArrayList<>();
        List<Double> toRefused = new ArrayList<>();
        List<Double> toApplied = new ArrayList<>();
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
                                .sslContext(TestTls.keyManagers(stage.server)));
                NoticePublisher publisher = new NoticePublisher(stage.noticePublisher())) {
            MqttClient notices = publisher.client;
            for (int i = 0; i < trials; i++) {
                Issued device = stage.devices.get(i);
                double[] t;
                try {
                    t = trial(stage, containment, notices, collector, device, authority, denied, i);
                } catch (MqttException e) {
                    throw new IllegalStateException("trial " + i + " (" + ServerStage.name(device) + "): " + e, e);
                }
                toClosed.add(t[0]);
                toRefused.add(t[1]);
                toApplied.add(t[2]);
            }
        }
        out.printf("%d trials: revocation decision -> MQTT session closed by Mosquitto: %s%n", trials, stats(toClosed));
        out.printf(
                "%d trials: revocation decision -> notice applied at the collector:   %s%n", trials, stats(toApplied));
        out.printf(
                "%d trials: revocation decision -> HTTPS collector refuses the device: %s%n", trials, stats(toRefused));
        return 0;
    }

    private double[] trial(
            ServerStage stage,
            MosquittoContainment containment,
            MqttClient notices,
            Collector collector,
            Issued device,
            KeyPair authority,
            DenySet denied,
            int i)
            throws Exception {
        var tls = TestTls.context(stage.pki, device);
        try (DeviceSession session = DeviceSession.connect(stage.broker.deviceUrl(), ServerStage.name(device), tls)) {
            if (Collector.send(tls, collector.port(), "reading " + i) != 200) {
                throw new IllegalStateException(ServerStage.name(device) + " not served before its revocation");
            }
            String ticket = "bench-" + i + "-" + UUID.randomUUID();
            long decided = System.nanoTime();
            containment.contain(ServerStage.name(device), ticket, "revocation");
            Notice n = new Notice(
                    ticket,
                    List.of(device.serialHex()),
                    List.of(ServerStage.name(device)),
                    1,
                    Instant.now(),
                    "fleet-authority");
            notices.publish(
                    "keywarden/" + FLEET + "/revocation-notices/" + Notice.topicSafe(ticket),
                    NoticeCodec.sign(n, authority.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                    1,
                    true);
            long refused = 0;
            long applied = 0;
            long deadline = decided + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (applied == 0 && denied.isDenied(device.serialHex())) {
                    applied = System.nanoTime();
                }
                if (Collector.send(tls, collector.port(), "reading " + i) == -1) {
                    refused = System.nanoTime();
                    break;
                }
            }
            boolean lost = session.awaitLost(10_000);
            if (refused == 0 || !lost) {
                throw new IllegalStateException(ServerStage.name(device) + " not contained within 10 s: "
                        + (lost ? "" : "its MQTT session is still open; ")
                        + (refused != 0 ? "" : "the collector still serves it"));
            }
            return new double[] {
                (session.lostAtNanos() - decided) / 1e6,
                (refused - decided) / 1e6,
                ((applied == 0 ? refused : applied) - decided) / 1e6
            };
        }
    }

    static String stats(List<Double> millis) {
        List<Double> s = new ArrayList<>(millis);
        s.sort(Double::compare);
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", pct(s, 0.50), pct(s, 0.99), s.get(s.size() - 1));
    }

    private static double pct(List<Double> sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    /** Disconnects before closing (Paho refuses to close a connected client). */
    private record NoticePublisher(MqttClient client) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect(1_000);
            }
            client.close();
        }
    }
}
