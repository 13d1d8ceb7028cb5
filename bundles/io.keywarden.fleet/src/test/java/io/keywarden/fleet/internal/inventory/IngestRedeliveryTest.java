package io.keywarden.fleet.internal.inventory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.fleet.transport.FleetTransportListener;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.mqtt.MqttLink;
import io.keywarden.testing.mqtt.MosquittoBroker;

/**
 * What the ingest queue's refusal does on a real connection (Paho, a real Mosquitto): the message the full queue
 * refuses is not acknowledged to the broker, Paho drops the connection, and after the reconnection the broker delivers
 * the same message again, which is taken once the collector caught up. Nothing is lost at the queue.
 */
class IngestRedeliveryTest {
    @TempDir
    Path dir;

    /** The collector's thread, run by the test. */
    private static final class ManualExecutor implements Executor {
        private final Queue<Runnable> waiting = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable r) {
            waiting.add(r);
        }

        void runAll() {
            for (Runnable r = next(); r != null; r = next()) {
                r.run();
            }
        }

        private synchronized Runnable next() {
            return waiting.poll();
        }
    }

    @Test
    void aMessageTheFullQueueRefusedIsDeliveredAgainAfterTheReconnection() throws Exception {
        ManualExecutor collector = new ManualExecutor();
        IngestGate gate = new IngestGate(collector, 1, 1 << 20, Duration.ZERO);
        gate.submit(1, () -> {}); // the collector is behind: the queue is full
        List<String> taken = new CopyOnWriteArrayList<>();
        AtomicInteger connections = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("mqtt"))) {
            Map<String, Object> p = new HashMap<>();
            p.put("mqtt.broker.url", broker.url());
            p.put("mqtt.client.id", "authority-redelivery");
            p.put("fleet.id", "f");
            p.put("notices.apply", "false");
            p.put("inventory.publish", "true");
            p.put("data.dir", dir.resolve("data").toString());
            MqttLink[] link = new MqttLink[1];
            link[0] = new MqttLink(
                    FleetOptions.parse(p, null),
                    new FleetTransportListener() {
                        @Override
                        public void connected(boolean reconnect) {
                            connections.incrementAndGet();
                            link[0].subscribe("keywarden/f/log/+");
                        }

                        @Override
                        public void message(String topic, byte[] payload) {
                            String text = new String(payload, StandardCharsets.US_ASCII);
                            gate.submit(payload.length, () -> taken.add(text));
                        }
                    },
                    scheduler);
            link[0].start();
            await().atMost(Duration.ofSeconds(30)).until(() -> connections.get() == 1);
            // retained, as gateways publish: it reaches the authority whenever its subscription is in place
            MqttClient gateway = new MqttClient(broker.url(), "gw-1", new MemoryPersistence());
            gateway.connect();
            gateway.publish("keywarden/f/log/gw-1", "entries 1-64".getBytes(StandardCharsets.US_ASCII), 1, true);
            gateway.disconnect();
            gateway.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> gate.refused() >= 1);
            collector.runAll(); // the collector catches up
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collector.runAll();
                return taken.contains("entries 1-64");
            });
            assertTrue(connections.get() >= 2, "Paho dropped the connection and came back");
            // a resubscription may deliver the retained copy as well: the collector skips entries it holds
            assertTrue(taken.stream().allMatch("entries 1-64"::equals), "" + taken);
            link[0].close();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
