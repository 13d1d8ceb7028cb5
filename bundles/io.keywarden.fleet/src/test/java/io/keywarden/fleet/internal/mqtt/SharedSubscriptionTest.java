package io.keywarden.fleet.internal.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.fleet.transport.FleetTransportListener;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.inventory.GatewayEnvelope;
import io.keywarden.fleet.internal.inventory.InventoryPublisher;
import io.keywarden.testing.mqtt.MosquittoBroker;
import io.keywarden.testing.pki.TestCa;

/**
 * Two authority instances of one share group on a real Mosquitto 2 (MQTT 3.1.1, as Paho mqttv3 speaks it): each
 * issuance log message and each escrow deposit reaches exactly one of them, and a gateway's notices are never
 * shared. An instance that dies leaves no messages behind at the broker: the survivor gets them all.
 */
class SharedSubscriptionTest {
    private static final String GROUP = "authorities";
    private static final int MESSAGES = 40;
    private static final String PROBE = "probe-";
    private static final String PROBE_TYPE = "test-probe";

    @TempDir
    Path dir;

    private MosquittoBroker broker;
    private ScheduledExecutorService scheduler;
    private final List<MqttLink> links = new ArrayList<>();
    private Path roots;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("mqtt"));
        scheduler = Executors.newScheduledThreadPool(2);
        roots = dir.resolve("roots.pem");
        Files.writeString(roots, TestCa.root("fleet test root").certificatePem(), StandardCharsets.US_ASCII);
    }

    @AfterEach
    void stop() {
        links.forEach(MqttLink::close);
        scheduler.shutdownNow();
        broker.close();
    }

    @Test
    void eachLogMessageAndDepositReachesOneInstanceOfTheGroupWhileNoticesReachEveryGateway() throws Exception {
        Instance a = authority("a", GROUP);
        Instance b = authority("b", GROUP);
        Instance gateway1 = gateway("g1");
        Instance gateway2 = gateway("g2");

        publishAll();

        for (String type : List.of(InventoryPublisher.TYPE_LOG, GatewayEnvelope.TYPE_ESCROW)) {
            await(() -> a.count(type) + b.count(type) == MESSAGES);
            // nothing arrives twice: the sum of the two shares is every message once
            List<String> both = new ArrayList<>(a.topics(type));
            both.addAll(b.topics(type));
            assertEquals(MESSAGES, both.stream().distinct().count(), "a message arrived at both instances: " + both);
            assertTrue(
                    a.count(type) > 0 && b.count(type) > 0,
                    "the broker gave one instance everything: a " + a.count(type) + ", b " + b.count(type));
        }
        await(() ->
                gateway1.count("revocation-notices") == MESSAGES && gateway2.count("revocation-notices") == MESSAGES);
    }

    @Test
    void withoutAGroupEveryInstanceGetsEveryLogMessage() throws Exception {
        Instance a = authority("a", null);
        Instance b = authority("b", null);

        publishAll();

        await(() ->
                a.count(InventoryPublisher.TYPE_LOG) == MESSAGES && b.count(InventoryPublisher.TYPE_LOG) == MESSAGES);
    }

    @Test
    void aDeadInstanceLeavesNothingBehindAtTheBroker() throws Exception {
        Instance a = authority("a", GROUP);
        Instance b = authority("b", GROUP);
        // the instance goes away for good (its client id never connects again)
        a.link.close();
        links.remove(a.link);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !a.link.isConnected());

        publishAll();

        await(() -> b.count(InventoryPublisher.TYPE_LOG) == MESSAGES);
        assertTrue(a.topics(InventoryPublisher.TYPE_LOG).isEmpty(), "the closed instance received messages");
    }

    private void publishAll() throws Exception {
        MqttClient gatewaySide = new MqttClient(broker.url(), MqttClient.generateClientId(), new MemoryPersistence());
        try {
            MqttConnectOptions o = new MqttConnectOptions();
            // Paho counts a publish in flight until its callback thread has seen the acknowledgement, a little
            // after the synchronous publish returned: a window of 10 overflows in a burst
            o.setMaxInflight(1000);
            gatewaySide.connect(o);
            for (int i = 0; i < MESSAGES; i++) {
                byte[] body = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                gatewaySide.publish("keywarden/fleet-1/log/gw-" + i, body, 1, false);
                gatewaySide.publish("keywarden/fleet-1/escrow/gw-" + i, body, 1, false);
                gatewaySide.publish("keywarden/fleet-1/revocation-notices/t-" + i, body, 1, false);
            }
            gatewaySide.disconnect();
        } finally {
            gatewaySide.close(true);
        }
    }

    /** An authority's subscriptions as the fleet component makes them: logs and deposits as work. */
    private Instance authority(String name, String group) throws Exception {
        Map<String, Object> p = base(name);
        p.put("notices.apply", false);
        p.put("inventory.collect", true);
        p.put("inventory.ca.roots", roots.toString());
        p.put("escrow.deposit.dir", dir.resolve(name + "-deposits").toString());
        if (group != null) {
            p.put("authority.share.group", group);
        }
        FleetOptions options = FleetOptions.parse(p, null);
        assertEquals(group != null, options.isShared());
        return connect(
                options,
                List.of(
                        options.workFilter(options.gatewayTopic(InventoryPublisher.TYPE_LOG, "+")),
                        options.workFilter(options.gatewayTopic(GatewayEnvelope.TYPE_ESCROW, "+")),
                        // the test's own, plain: its probe proves the broker processed the subscriptions before it
                        options.gatewayTopic(PROBE_TYPE, name)),
                options.gatewayTopic(PROBE_TYPE, name));
    }

    private Instance gateway(String name) throws Exception {
        Map<String, Object> p = base(name);
        p.put("authority.public.key", TestCa.root("authority").certificatePem());
        FleetOptions options = FleetOptions.parse(p, null);
        return connect(options, List.of(options.subscriptionFilter()), options.topicFor(PROBE + name));
    }

    private Map<String, Object> base(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", broker.url());
        p.put("fleet.id", "fleet-1");
        p.put("mqtt.client.id", "node-" + name);
        p.put("data.dir", dir.resolve(name).toString());
        return p;
    }

    /**
     * Connects and waits until the broker holds the instance's subscriptions: a probe on the last (plain) filter
     * arrives only after the broker processed the SUBSCRIBE packets before it on that connection.
     */
    private Instance connect(FleetOptions options, List<String> filters, String probeTopic) throws Exception {
        Instance instance = new Instance();
        MqttLink link = new MqttLink(
                options,
                new FleetTransportListener() {
                    @Override
                    public void connected(boolean reconnect) {
                        filters.forEach(instance.link::subscribe);
                    }

                    @Override
                    public void message(String topic, byte[] payload) {
                        instance.received.add(topic);
                    }
                },
                scheduler);
        instance.link = link;
        links.add(link);
        link.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (instance.received.contains(probeTopic)) {
                        return true;
                    }
                    publish(probeTopic);
                    return false;
                });
        return instance;
    }

    private void publish(String topic) throws Exception {
        MqttClient c = new MqttClient(broker.url(), MqttClient.generateClientId(), new MemoryPersistence());
        try {
            c.connect();
            c.publish(topic, new byte[] {1}, 1, false);
            c.disconnect();
        } finally {
            c.close(true);
        }
    }

    private static void await(Callable<Boolean> condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(condition);
    }

    private static final class Instance {
        volatile MqttLink link;
        final List<String> received = Collections.synchronizedList(new ArrayList<>());

        List<String> topics(String type) {
            synchronized (received) {
                return received.stream()
                        .filter(t -> t.split("/")[2].equals(type) && !t.split("/")[3].startsWith(PROBE))
                        .toList();
            }
        }

        long count(String type) {
            return topics(type).size();
        }
    }
}
