package io.keywarden.monitor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.monitor.MonitorEvents;
import io.keywarden.api.monitor.SensorActivity;
import io.keywarden.monitor.internal.channel.ChannelOptions;
import io.keywarden.monitor.internal.channel.ClientIdentity;
import io.keywarden.monitor.internal.channel.HttpRequest;
import io.keywarden.monitor.internal.channel.SensorChannel;
import io.keywarden.monitor.internal.observe.ActivityTracker;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.Learner;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.response.Containment;
import io.keywarden.monitor.internal.response.IncidentLog;
import io.keywarden.monitor.internal.response.QuarantineStore;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.ChannelClient;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.Reports;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * Hostile peers against the channel over real TLS: far more half-open connections from one address than any pool,
 * and slow-drip requests, while a well-behaved sensor reports; and one admitted sensor sending 10,000 distinct paths.
 * Timings are printed, not asserted.
 */
class ChannelExhaustionTest {
    private static final int PER_SOURCE = 32;
    private static final int HALF_OPEN = 400;

    @TempDir
    Path data;

    private final List<Map.Entry<String, Map<String, Object>>> events = new CopyOnWriteArrayList<>();
    private final FakeServices.Inventory inventory = new FakeServices.Inventory();
    private TestCa pki;
    private ScheduledExecutorService executor;
    private ActivityTracker activity;
    private SensorEndpoint endpoint;
    private SensorChannel channel;

    @BeforeEach
    void start() throws Exception {
        pki = TestCa.root("Test CA");
        FakeServices.Gateway gateway = new FakeServices.Gateway("gateway", pki.issue("gateway"));
        FakeServices.Deny deny = new FakeServices.Deny();
        QuarantineStore quarantine = new QuarantineStore(data);
        executor = Executors.newSingleThreadScheduledExecutor();
        Containment containment = new Containment(
                quarantine,
                new IncidentLog(data),
                (serial, device) -> "t",
                (topic, props) -> events.add(Map.entry(topic, props)),
                Clock.systemUTC(),
                executor);
        // no rate rule: the sensor sending 10,000 paths must stay admitted for the whole run
        DeviceClassPolicy cls = new DeviceClassPolicy(
                Policy.DEFAULT_CLASS,
                Set.copyOf(Reports.baselineFirmware()),
                Set.copyOf(Reports.baselineTasks()),
                Set.copyOf(Reports.baselinePeers()),
                0,
                Duration.ofSeconds(30),
                3);
        Policy policy = new Policy(Map.of(Policy.DEFAULT_CLASS, cls), Map.of(), Map.of());
        ChannelAdmission admission = new ChannelAdmission(
                gateway, inventory, List.of(deny), quarantine, (topic, props) -> events.add(Map.entry(topic, props)));
        activity = new ActivityTracker(Clock.systemUTC());
        endpoint = new SensorEndpoint(activity, () -> policy, new Learner(), false, containment, Clock.systemUTC());
        channel = SensorChannel.open(
                new ChannelOptions(
                        "127.0.0.1",
                        0,
                        4,
                        2048,
                        4096,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(30),
                        PER_SOURCE,
                        4),
                admission,
                gateway::getTlsIdentity,
                endpoint);
    }

    @AfterEach
    void stop() {
        channel.close();
        executor.shutdownNow();
    }

    private SimulatedSensor enrolled(String id) throws Exception {
        Issued leaf = pki.issue(id);
        inventory.records.add(FakeServices.record(id, leaf, DeviceKind.SENSOR));
        return new SimulatedSensor(
                id, leaf.key(), leaf.chain(), Profile.WELL_BEHAVED, channel.address(), List.of(pki.certificate()));
    }

    @Test
    void halfOpenConnectionsAndSlowDripsDoNotStopAWellBehavedSensor() throws Exception {
        List<Socket> halfOpen = new ArrayList<>();
        ExecutorService drips = Executors.newFixedThreadPool(8);
        try (SimulatedSensor good = enrolled("sensor-good")) {
            InetSocketAddress gw = channel.address();
            long t0 = System.nanoTime();
            for (int i = 0; i < HALF_OPEN; i++) {
                // another loopback address: the attacker's, so the per-source cap is the attacker's own
                Socket s = new Socket();
                s.bind(new InetSocketAddress("127.0.0.2", 0));
                s.connect(gw, 2000);
                OutputStream out = s.getOutputStream();
                out.write(0x16); // the first byte of a TLS record, and never the rest
                out.flush();
                halfOpen.add(s);
            }
            List<Future<ChannelClient.Result>> dripping = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SimulatedSensor dripper = enrolled("sensor-drip-" + i);
                dripping.add(drips.submit(() -> dripper.client()
                        .trickle(
                                "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                                6000)));
            }
            long opened = System.nanoTime();
            ChannelClient.Result r = good.report();
            long reported = System.nanoTime();
            assertEquals(202, r.status(), r.toString());
            ChannelClient.Result again = good.report();
            assertEquals(202, again.status(), again.toString());
            System.out.printf(
                    "%d half-open connections opened in %d ms; the well-behaved sensor's report took %d ms, "
                            + "the next %d ms%n",
                    HALF_OPEN,
                    (opened - t0) / 1_000_000,
                    (reported - opened) / 1_000_000,
                    (System.nanoTime() - reported) / 1_000_000);
            for (Future<ChannelClient.Result> f : dripping) {
                assertTrue(f.get().isRefused() || f.get().status() == 408, "a slow drip is not served: " + f.get());
            }
            // while the half-open sockets are still open: on a loaded machine the acceptor may not have reached all
            // of them yet, and a socket closed before it is accepted is never refused
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> channel.refusals(ConnectionRefusal.PER_SOURCE_LIMIT) >= HALF_OPEN - PER_SOURCE);
        } finally {
            drips.shutdownNow();
            for (Socket s : halfOpen) {
                closeQuietly(s);
            }
        }
        assertTrue(
                channel.refusals(ConnectionRefusal.PER_SOURCE_LIMIT) >= HALF_OPEN - PER_SOURCE,
                "refusals at accept are counted: " + channel.refusals(ConnectionRefusal.PER_SOURCE_LIMIT));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> channel.refusals(ConnectionRefusal.DEADLINE) > 0);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> events.stream()
                        .anyMatch(e -> e.getKey().equals(MonitorEvents.TOPIC_REFUSED)
                                && "connection".equals(e.getValue().get(MonitorEvents.PROPERTY_STAGE))
                                && String.valueOf(e.getValue().get(MonitorEvents.PROPERTY_REASON))
                                        .startsWith("per source limit")));
    }

    @Test
    void tenThousandDistinctPathsAreCountedTogether() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-paths")) {
            // over the wire first: an unknown path is answered 404 and tracked as one entry
            for (int i = 0; i < 50; i++) {
                assertEquals(404, s.client().get("/probe/" + i).status());
            }
            assertEquals(202, s.report().status());
            ClientIdentity client = new ClientIdentity(
                    inventory.records.stream()
                            .filter(r -> r.getDeviceId().equals("sensor-paths"))
                            .findFirst()
                            .get(),
                    "127.0.0.1");
            // then the remaining ones straight into the endpoint (a handshake each would only measure TLS)
            for (int i = 50; i < 10_000; i++) {
                endpoint.handle(
                        client, new HttpRequest("GET", "/probe/" + i, Map.of(), new byte[0]), System.nanoTime());
            }
        }
        SensorActivity a = activity.snapshot().stream()
                .filter(x -> x.deviceId().equals("sensor-paths"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                a.endpoints().size() <= 4,
                "per-sensor state bounded: " + a.endpoints().keySet());
        assertEquals(10_000L, a.endpoints().get(SensorEndpoint.OTHER));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
