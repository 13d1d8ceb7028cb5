package io.keywarden.monitor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.MonitorEvents;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.channel.ChannelOptions;
import io.keywarden.monitor.internal.channel.SensorChannel;
import io.keywarden.monitor.internal.observe.ActivityTracker;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.Learner;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.response.Containment;
import io.keywarden.monitor.internal.response.IncidentLog;
import io.keywarden.monitor.internal.response.QuarantineStore;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.LeafBuilder;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.ChannelClient;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.Reports;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * The channel over real TLS against a throwaway CA, with hand-written enrollment services and deny list: who is
 * admitted, what bad input gets, and what each rule's response does to the next request.
 */
class ChannelTest {
    @TempDir
    Path data;

    private final List<Map.Entry<String, Map<String, Object>>> events = new CopyOnWriteArrayList<>();
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private TestCa pki;
    private FakeServices.Gateway gateway;
    private final FakeServices.Inventory inventory = new FakeServices.Inventory();
    private final FakeServices.Deny deny = new FakeServices.Deny();
    private QuarantineStore quarantine;
    private IncidentLog incidents;
    private Containment containment;
    private ScheduledExecutorService executor;
    private SensorChannel channel;

    @BeforeEach
    void start() throws Exception {
        pki = TestCa.root("Test CA");
        gateway = new FakeServices.Gateway("gateway", pki.issue("gateway"));
        quarantine = new QuarantineStore(data);
        incidents = new IncidentLog(data);
        executor = Executors.newSingleThreadScheduledExecutor();
        containment = new Containment(
                quarantine,
                incidents,
                (serial, device) -> {
                    revoked.add(serial);
                    deny.serials.add(serial);
                    return "ticket-" + serial;
                },
                (topic, props) -> events.add(Map.entry(topic, props)),
                Clock.systemUTC(),
                executor);
        DeviceClassPolicy cls = new DeviceClassPolicy(
                Policy.DEFAULT_CLASS,
                Set.copyOf(Reports.baselineFirmware()),
                Set.copyOf(Reports.baselineTasks()),
                Set.copyOf(Reports.baselinePeers()),
                15,
                Duration.ofSeconds(30),
                3);
        Policy policy = new Policy(Map.of(Policy.DEFAULT_CLASS, cls), Map.of(), Map.of());
        ChannelAdmission admission = new ChannelAdmission(
                gateway, inventory, List.of(deny), quarantine, (topic, props) -> events.add(Map.entry(topic, props)));
        channel = SensorChannel.open(
                new ChannelOptions(
                        "127.0.0.1",
                        0,
                        4,
                        2048,
                        4096,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5),
                        64,
                        4),
                admission,
                gateway::getTlsIdentity,
                new SensorEndpoint(
                        new ActivityTracker(Clock.systemUTC()),
                        () -> policy,
                        new Learner(),
                        false,
                        containment,
                        Clock.systemUTC()));
    }

    @AfterEach
    void stop() {
        channel.close();
        executor.shutdownNow();
    }

    private SimulatedSensor enrolled(String id, Profile profile) throws Exception {
        Issued leaf = pki.issue(id);
        inventory.records.add(FakeServices.record(id, leaf, DeviceKind.SENSOR));
        return new SimulatedSensor(
                id, leaf.key(), leaf.chain(), profile, channel.address(), List.of(pki.certificate()));
    }

    @Test
    void aSensorWithOurCertificateIsServedAndIdentifiedByIt() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-1", Profile.WELL_BEHAVED)) {
            assertEquals(202, s.report().status());
            assertEquals(202, s.sendData(21.5).status());
            ChannelClient.Result st = s.status();
            assertEquals(200, st.status());
            assertTrue(st.body().contains("\"device\":\"sensor-1\""), st.body());
            assertTrue(incidents.all().isEmpty(), incidents.all().toString());
        }
    }

    @Test
    void clientsWithoutOrWithForeignExpiredOrDeniedCertificatesAreRefusedAtTheHandshake() throws Exception {
        ChannelClient none = new ChannelClient(channel.address(), null, List.of(), List.of(pki.certificate()), 5000);
        assertEquals(ChannelClient.TLS_REFUSED, none.get("/v1/status").status());

        TestCa other = TestCa.root("Foreign CA");
        Issued foreign = other.issue("sensor-f");
        ChannelClient f = new ChannelClient(
                channel.address(), foreign.key().getPrivate(), foreign.chain(), List.of(pki.certificate()), 5000);
        assertEquals(ChannelClient.TLS_REFUSED, f.get("/v1/status").status());

        Issued notOrdered = pki.issue("sensor-n"); // our CA, but not in the gateway's inventory
        ChannelClient n = new ChannelClient(
                channel.address(), notOrdered.key().getPrivate(), notOrdered.chain(), List.of(pki.certificate()), 5000);
        assertEquals(ChannelClient.TLS_REFUSED, n.get("/v1/status").status());

        Issued expired = pki.leaf("sensor-x")
                .validity(Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60))
                .issue();
        inventory.records.add(FakeServices.record("sensor-x", expired, DeviceKind.SENSOR));
        ChannelClient x = new ChannelClient(
                channel.address(), expired.key().getPrivate(), expired.chain(), List.of(pki.certificate()), 5000);
        assertEquals(ChannelClient.TLS_REFUSED, x.get("/v1/status").status());

        Issued serverOnly =
                pki.leaf("sensor-s").usage(LeafBuilder.Usage.TLS_SERVER).issue();
        inventory.records.add(FakeServices.record("sensor-s", serverOnly, DeviceKind.SENSOR));
        ChannelClient so = new ChannelClient(
                channel.address(), serverOnly.key().getPrivate(), serverOnly.chain(), List.of(pki.certificate()), 5000);
        assertEquals(ChannelClient.TLS_REFUSED, so.get("/v1/status").status());

        try (SimulatedSensor d = enrolled("sensor-d", Profile.WELL_BEHAVED)) {
            deny.serials.add(d.serial());
            assertEquals(ChannelClient.TLS_REFUSED, d.status().status());
        }
        // the server reports a refusal after the client has seen it
        WAIT.until(() -> events.stream()
                        .filter(e -> e.getKey().equals(MonitorEvents.TOPIC_REFUSED))
                        .count()
                >= 6);
        List<String> reasons = new ArrayList<>();
        events.stream()
                .filter(e -> e.getKey().equals(MonitorEvents.TOPIC_REFUSED))
                .forEach(e -> reasons.add((String) e.getValue().get(MonitorEvents.PROPERTY_REASON)));
        assertEquals(
                List.of(
                        "no client certificate",
                        "certificate not issued by this gateway's CA",
                        "certificate not ordered by this gateway",
                        "certificate outside its validity period",
                        "certificate not for client authentication",
                        "certificate revoked (deny list)"),
                reasons);
    }

    @Test
    void aDenialTakesEffectOnTheNextRequestOfAnOpenConnection() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-2", Profile.WELL_BEHAVED)) {
            assertEquals(202, s.report().status());
            deny.serials.add(s.serial());
            ChannelClient.Result r = s.report();
            assertEquals(403, r.status(), r.toString());
            assertEquals(ChannelClient.TLS_REFUSED, s.report().status());
        }
    }

    @Test
    void badReportsGetClientErrorsAndTheChannelKeepsServing() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-3", Profile.WELL_BEHAVED)) {
            ChannelClient c = s.client();
            assertEquals(400, c.post("/v1/report", "{\"schema\": ").status());
            assertEquals(400, c.post("/v1/report", "{\"a\":1,\"a\":2}").status());
            assertEquals(
                    422,
                    c.post("/v1/report", "{\"schema\":\"keywarden-sensor-report/1\"}")
                            .status());
            assertEquals(
                    422,
                    c.post("/v1/report", Reports.normal(1, 1).replace("\"tcp\"", "\"icmp\""))
                            .status());
            assertEquals(
                    422,
                    c.post("/v1/report", Reports.normal(1, 1).replaceFirst("}$", ",\"extra\":1}"))
                            .status());
            assertEquals(
                    413,
                    c.post("/v1/report", "{\"pad\":\"" + "x".repeat(4000) + "\"}")
                            .status());
            assertEquals(
                    415,
                    c.send("POST", "/v1/report", "{}".getBytes(StandardCharsets.UTF_8), "text/plain")
                            .status());
            ChannelClient.Result chunked =
                    c.sendRaw("POST /v1/data HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            assertEquals(411, chunked.status(), chunked.toString());
            assertEquals(
                    400,
                    c.sendRaw("NONSENSE\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
                            .status());
            assertEquals(
                    431,
                    c.sendRaw(("GET /v1/status HTTP/1.1\r\nX: " + "y".repeat(5000) + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII))
                            .status());
            assertEquals(404, c.get("/admin").status());
            // a request trickled in slower than the 2 s this channel allows
            assertEquals(
                    408,
                    c.trickle("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 2500)
                            .status());
            assertEquals(202, s.report().status());
            assertTrue(incidents.all().isEmpty(), "bad input is refused, not an incident: " + incidents.all());
        }
    }

    @Test
    void unknownFirmwareIsRevokedAndTheNextRequestRefused() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-4", Profile.UNKNOWN_FIRMWARE)) {
            assertEquals(202, s.report().status());
            SimulatedSensor.Containment c = s.actAndMeasure(0, 5000);
            assertEquals(403, c.actAnswer().status(), c.actAnswer().toString());
            assertTrue(c.refusedNanos() > 0);
            Incident i = onlyIncident();
            assertEquals("unknown-firmware", i.getRule());
            assertEquals(ResponseAction.REVOKE, i.getAction());
            assertEquals(Reports.EVIL_FIRMWARE_SHA256, i.getEvidence().get("firmware.sha256"));
            assertEquals(s.serial(), i.getSerial().orElseThrow());
            WAIT.until(() -> revoked.contains(s.serial()));
            assertTrue(quarantine.contains("sensor-4"));
        }
    }

    @Test
    void aForbiddenPeerIsRevoked() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-5", Profile.FORBIDDEN_PEER)) {
            assertTrue(s.actAndMeasure(0, 5000).refusedNanos() > 0);
            Incident i = onlyIncident();
            assertEquals("forbidden-peer", i.getRule());
            assertEquals(
                    Reports.FORBIDDEN_PEER_HOST + ":" + Reports.FORBIDDEN_PEER_PORT,
                    i.getEvidence().get("peer"));
            WAIT.until(() -> revoked.contains(s.serial()));
        }
    }

    @Test
    void aFloodIsQuarantinedWithoutRevocationAndLiftingLetsItBack() throws Exception {
        try (SimulatedSensor s = enrolled("sensor-6", Profile.FLOOD)) {
            ChannelClient.Result last = s.actMaliciously(100);
            assertEquals(429, last.status(), last.toString());
            Incident i = onlyIncident();
            assertEquals("rate-exceeded", i.getRule());
            assertEquals(ResponseAction.QUARANTINE, i.getAction());
            assertEquals(ChannelClient.TLS_REFUSED, s.status().status());
            Thread.sleep(300);
            assertTrue(revoked.isEmpty(), "a quarantine leaves the certificate alone");
            assertTrue(containment.lift("sensor-6", "test"));
            Thread.sleep(1000); // the rate window moves past the flood
            assertEquals(200, s.status().status());
        }
    }

    private Incident onlyIncident() {
        List<Incident> all = incidents.all();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    /** Polls every 10 ms, for at most 5 s. */
    private static final ConditionFactory WAIT =
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10));
}
