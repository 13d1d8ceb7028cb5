package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.monitor.BundleInfo;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.MonitorEvents;
import io.keywarden.api.monitor.ProcessInfo;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.api.monitor.SocketInfo;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.ChannelClient;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.Reports;
import io.keywarden.testing.sensors.SensorKeys;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * The monitor on a real gateway (real Pebble, real http-01, real mutual TLS on the sensor channel, the real
 * revocation component): each simulator profile gets its incident and response, each bad input is refused, and the
 * gateway's own collectors see a process and the socket it opens.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MonitorIT extends MonitorTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Test
    public void eachProfileGetsItsIncidentAndResponse() throws Exception {
        String gw = "gw-monitor-profiles." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gw));
        awaitGatewayEnrolled(awaitGatewayService());
        DeviceMonitor monitor = startMonitor(Map.of());
        startRevocation(monitor, gw);
        Map<String, SimulatedSensor> s = sensors(
                gw,
                monitor,
                ca,
                Profile.WELL_BEHAVED,
                Profile.UNKNOWN_FIRMWARE,
                Profile.FORBIDDEN_PEER,
                Profile.FLOOD,
                Profile.SILENT);
        SimulatedSensor good = s.get("well-behaved-1");
        SimulatedSensor firmware = s.get("unknown-firmware-2");
        SimulatedSensor peer = s.get("forbidden-peer-3");
        SimulatedSensor flood = s.get("flood-4");
        SimulatedSensor silent = s.get("silent-5");
        for (SimulatedSensor x : s.values()) {
            assertEquals(x.deviceId() + " reports", 202, x.report().status());
        }
        // enrolled at this gateway, but it never opens the channel at all
        CertificateRecord absent = awaitSensorService()
                .enroll(SensorEnrollmentRequest.builder("absent-6")
                        .dnsName("absent-6." + gw)
                        .build())
                .toCompletableFuture()
                .get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        // unknown firmware: revoked (quarantined at once, then Revoked at Pebble), the next request refused
        SimulatedSensor.Containment c = firmware.actAndMeasure(0, 5000);
        assertTrue("refused after the act: " + c, c.refusedNanos() > 0);
        Incident fw = awaitIncident(monitor, firmware.deviceId(), "unknown-firmware");
        assertEquals(ResponseAction.REVOKE, fw.getAction());
        assertEquals(Reports.EVIL_FIRMWARE_SHA256, fw.getEvidence().get("firmware.sha256"));
        assertEquals(firmware.serial(), fw.getSerial().orElseThrow());
        awaitTicket(monitor, fw.getId());
        awaitCaStatus(ca, firmware.serial(), "Revoked");
        assertEquals(1, ca.revocationReason(firmware.serial()));

        // forbidden peer: revoked too
        assertTrue(peer.actAndMeasure(0, 5000).refusedNanos() > 0);
        Incident p = awaitIncident(monitor, peer.deviceId(), "forbidden-peer");
        assertEquals(
                Reports.FORBIDDEN_PEER_HOST + ":" + Reports.FORBIDDEN_PEER_PORT,
                p.getEvidence().get("peer"));
        awaitCaStatus(ca, peer.serial(), "Revoked");

        // flood: quarantined, certificate untouched
        ChannelClient.Result last = flood.actMaliciously(200);
        assertEquals(last.toString(), 429, last.status());
        Incident f = awaitIncident(monitor, flood.deviceId(), "rate-exceeded");
        assertEquals(ResponseAction.QUARANTINE, f.getAction());
        assertTrue(monitor.isQuarantined(flood.deviceId()));
        assertEquals(ChannelClient.TLS_REFUSED, flood.status().status());

        // silent: the others keep reporting, the silent one is alerted on after 2 missed 1 s heartbeats
        Instant until = Instant.now().plusSeconds(4);
        while (Instant.now().isBefore(until)) {
            assertEquals(202, good.report().status());
            assertEquals(202, good.sendData(21.0).status());
            Thread.sleep(400);
        }
        Incident quiet = awaitIncident(monitor, silent.deviceId(), "silent");
        assertEquals(ResponseAction.ALERT, quiet.getAction());
        Incident never = awaitIncident(monitor, "absent-6", "silent");
        assertEquals(absent.getSerial(), never.getSerial().orElseThrow());
        assertEquals("none since the monitor started", never.getEvidence().get("last.report"));
        assertFalse(monitor.isQuarantined(silent.deviceId()));
        assertEquals(
                "an alert leaves the silent sensor on the channel",
                202,
                silent.report().status());

        // the well-behaved sensor: no incident, still served, still Valid; the flooder's certificate still Valid
        assertTrue(
                monitor.getIncidents().stream().noneMatch(i -> i.getDeviceId().equals(good.deviceId())));
        assertEquals(200, good.status().status());
        assertEquals("Valid", ca.certStatus(good.serial()));
        assertEquals("Valid", ca.certStatus(flood.serial()));
        assertEquals(
                Map.of(flood.deviceId(), 1L, firmware.deviceId(), 1L, peer.deviceId(), 1L),
                Map.of(
                        flood.deviceId(),
                        count(monitor, flood.deviceId()),
                        firmware.deviceId(),
                        count(monitor, firmware.deviceId()),
                        peer.deviceId(),
                        count(monitor, peer.deviceId())));

        // lifting the flooder's quarantine lets it back; lifting the revoked one's does not (deny list)
        assertTrue(monitor.liftQuarantine(flood.deviceId(), "test"));
        Thread.sleep(1100);
        assertEquals(200, flood.status().status());
        assertTrue(monitor.liftQuarantine(firmware.deviceId(), "test"));
        ChannelClient.Result stillRefused = firmware.status();
        assertEquals(stillRefused.toString(), ChannelClient.TLS_REFUSED, stillRefused.status());
        events.await(
                MonitorEvents.TOPIC_REFUSED,
                e -> firmware.serial().equals(e.getProperty(MonitorEvents.PROPERTY_SERIAL))
                        && "certificate revoked (deny list)".equals(e.getProperty(MonitorEvents.PROPERTY_REASON)),
                Duration.ofSeconds(5));
        events.await(
                MonitorEvents.TOPIC_INCIDENT,
                e -> firmware.deviceId().equals(e.getProperty(MonitorEvents.PROPERTY_DEVICE_ID)),
                Duration.ofSeconds(5));
        events.await(RevocationEvents.TOPIC_REVOKED, e -> true, Duration.ofSeconds(5));
    }

    @Test
    public void badInputIsRefused() throws Exception {
        String gw = "gw-monitor-refusals." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gw));
        awaitGatewayEnrolled(awaitGatewayService());
        DeviceMonitor monitor = startMonitor(Map.of());
        startRevocation(monitor, gw); // the channel admits no one without a deny list
        SimulatedSensor sensor = sensors(gw, monitor, ca, Profile.WELL_BEHAVED)
                .values()
                .iterator()
                .next();
        InetSocketAddress channel = monitor.getChannelAddress().orElseThrow();
        List<X509Certificate> trusted = List.of(ca.root());

        // no certificate; a certificate from a CA the gateway does not use
        assertRefused(new ChannelClient(channel, null, List.of(), trusted, 5000), "no client certificate");
        KeyPair foreignKey = SensorKeys.newKey();
        X509Certificate foreign = TestCa.selfSigned(sensor.deviceId(), foreignKey);
        assertRefused(
                new ChannelClient(channel, foreignKey.getPrivate(), List.of(foreign), trusted, 5000),
                "certificate not issued by this gateway's CA");

        // malformed, oversized and schema-violating reports: 4xx, and the channel keeps serving
        ChannelClient c = sensor.client();
        assertEquals(400, c.post("/v1/report", "{not json").status());
        assertEquals(
                413,
                c.post("/v1/report", "{\"pad\":\"" + "x".repeat(5000) + "\"}").status());
        assertEquals(
                422,
                c.post("/v1/report", Reports.normal(1, 1).replace("\"sequence\":1", "\"sequence\":\"1\""))
                        .status());
        assertEquals(
                422,
                c.post("/v1/report", Reports.normal(1, 1).replaceFirst("}$", ",\"admin\":true}"))
                        .status());
        assertEquals(
                415,
                c.send("POST", "/v1/report", "{}".getBytes(StandardCharsets.UTF_8), "text/plain")
                        .status());
        assertEquals(202, sensor.report().status());
        assertTrue(
                "bad input is refused, not an incident: " + monitor.getIncidents(),
                monitor.getIncidents().isEmpty());

        // a quarantined device is refused at its next handshake (the revoked case is in the profile test)
        ChannelClient.Result r = null;
        for (int i = 0; i < 100 && (r == null || !r.isRefused()); i++) {
            r = sensor.sendData(i);
        }
        assertEquals(429, r.status());
        assertRefused(sensor.client(), "device quarantined: rate-exceeded (quarantine)");
    }

    @Test
    public void learningModeRecordsABaselineTheOperatorApprovesWithTheShellCommands() throws Exception {
        String gw = "gw-monitor-learning." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gw));
        awaitGatewayEnrolled(awaitGatewayService());
        // no baseline configured at all: what the fleet does in a known-good period becomes it
        Map<String, Object> learning = new HashMap<>(Map.of(
                "learning.mode",
                true,
                "baseline.firmware.sha256",
                new String[0],
                "baseline.task.sha256",
                new String[0],
                "baseline.peers",
                new String[0]));
        DeviceMonitor monitor = startMonitor(learning);
        startRevocation(monitor, gw);
        Map<String, SimulatedSensor> s = sensors(gw, monitor, ca, Profile.WELL_BEHAVED, Profile.UNKNOWN_FIRMWARE);
        SimulatedSensor good = s.get("well-behaved-1");
        SimulatedSensor later = s.get("unknown-firmware-2");
        for (int i = 0; i < 3; i++) {
            assertEquals(202, good.report().status());
            assertEquals(202, later.report().status());
        }
        String proposed = shell("baseline");
        assertTrue(
                proposed,
                proposed.contains(Reports.FIRMWARE_SHA256)
                        && proposed.contains(Reports.TASK_UPLINK_SHA256)
                        && proposed.contains(Reports.ALLOWED_PEER_HOST + ":" + Reports.ALLOWED_PEER_PORT));
        assertTrue(monitor.getIncidents().isEmpty());
        assertTrue(shell("approve").contains("approved-baseline.json"));

        // enforcing from now on, with the approved baseline (kept in the data directory across the restart)
        learning.put("learning.mode", false);
        long before = (Long) context.getServiceReference(DeviceMonitor.class).getProperty("service.id");
        startMonitorAgain(learning, before);
        DeviceMonitor enforcing = awaitService(DeviceMonitor.class);
        SimulatedSensor good2 = reconnect(good, enforcing);
        SimulatedSensor bad2 = reconnect(later, enforcing);
        assertEquals(202, good2.report().status());
        assertEquals(403, bad2.actMaliciously(0).status());
        assertEquals(
                "unknown-firmware",
                awaitIncident(enforcing, bad2.deviceId(), "unknown-firmware").getRule());
        assertTrue(shell("incidents").contains(bad2.deviceId()));
        assertTrue(shell("quarantined").contains(bad2.deviceId()));
        assertTrue(shell("release", bad2.deviceId(), new String[] {"checked"}).contains("released"));
        assertFalse(enforcing.isQuarantined(bad2.deviceId()));
        good2.close();
        bad2.close();
    }

    private void startMonitorAgain(Map<String, Object> properties, long previousServiceId) throws Exception {
        Configuration c = configAdmin.getConfiguration(MONITOR_PID, "?");
        Dictionary<String, Object> p = c.getProperties();
        properties.forEach(p::put);
        c.update(p);
        awaitTrue("the monitor re-registered", SERVICE_TIMEOUT, () -> {
            ServiceReference<DeviceMonitor> ref = context.getServiceReference(DeviceMonitor.class);
            return ref != null && (Long) ref.getProperty("service.id") != previousServiceId;
        });
    }

    private SimulatedSensor reconnect(SimulatedSensor s, DeviceMonitor monitor) {
        s.close();
        CertificateRecord r = awaitSensorService().getCertificate(s.deviceId()).orElseThrow();
        return new SimulatedSensor(
                s.deviceId(),
                s.key(),
                r.getChain(),
                s.profile(),
                monitor.getChannelAddress().orElseThrow(),
                List.of(ca.root()));
    }

    /** Runs a keywarden:* Gogo command of the monitor on its registered command object. */
    private String shell(String command, Object... args) throws Exception {
        ServiceReference<?>[] refs =
                context.getServiceReferences((String) null, "(osgi.command.function=" + command + ")");
        for (ServiceReference<?> ref : refs) {
            Object commands = context.getService(ref);
            for (Method m : commands.getClass().getMethods()) {
                if (m.getName().equals(command)
                        && m.getParameterCount() == args.length
                        && commands.getClass().getName().contains("monitor")) {
                    return String.valueOf(m.invoke(commands, args));
                }
            }
        }
        throw new AssertionError("no monitor command " + command + "/" + args.length);
    }

    @Test
    public void anExpiredCertificateIsRefusedAtTheHandshake() throws Exception {
        CaControl shortLived = new CaControl(ItProperties.CA_SHORT);
        String gw = "gw-monitor-expiry." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(shortLived, gw));
        awaitGatewayEnrolled(awaitGatewayService());
        DeviceMonitor monitor = startMonitor(Map.of("baseline.heartbeat.seconds", 3600));
        startRevocation(monitor, gw);
        SimulatedSensor sensor = sensors(gw, monitor, shortLived, Profile.WELL_BEHAVED)
                .values()
                .iterator()
                .next();
        assertEquals(202, sensor.report().status());
        X509Certificate cert = awaitSensorService()
                .getCertificate(sensor.deviceId())
                .orElseThrow()
                .getCertificate();
        Instant expiry = cert.getNotAfter().toInstant();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis()) + 1500);
        sensor.client().close();
        assertRefused(sensor.client(), "certificate outside its validity period");
    }

    @Test
    public void gatewayCollectorsSeeAProcessStartedDuringTheTestAndItsSockets() throws Exception {
        String gw = "gw-monitor-collect." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gw));
        awaitGatewayService();
        // a gateway baseline that allows one listener only, scanned every second
        DeviceMonitor monitor =
                startMonitor(Map.of("gateway.scan.seconds", 1, "gateway.allowed.listeners", new String[] {"tcp:1"}));
        Path source = dataDir.resolve("Listener.java");
        Files.writeString(
                source,
                "public class Listener { public static void main(String[] a) throws Exception {"
                        + " try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());"
                        + " var c = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), Integer.parseInt(a[0]))) {"
                        + " System.out.println(s.getLocalPort()); System.out.flush(); Thread.sleep(60_000); } } }");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process child = new ProcessBuilder(
                            javaBin.toString(), source.toString(), Integer.toString(peer.getLocalPort()))
                    .redirectErrorStream(true)
                    .start();
            try (Socket accepted = peer.accept()) {
                int port = Integer.parseInt(
                        new String(readLine(child.getInputStream()), StandardCharsets.US_ASCII).trim());
                GatewaySnapshot snap = monitor.observeGateway();
                ProcessInfo p = snap.processes().stream()
                        .filter(x -> x.pid() == child.pid())
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("process " + child.pid() + " not collected"));
                assertEquals(javaBin.toRealPath().toString(), p.executable());
                assertEquals(sha256(javaBin.toRealPath()), p.sha256());
                assertTrue(p.commandLine(), p.commandLine().contains("Listener.java"));
                SocketInfo listening = snap.sockets().stream()
                        .filter(x -> x.localPort() == port && x.isListening())
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("listening socket on " + port + " not seen"));
                assertEquals("LISTEN", listening.state());
                assertEquals(child.pid(), listening.pid());
                SocketInfo out = snap.sockets().stream()
                        .filter(x -> x.pid() == child.pid() && x.remotePort() == peer.getLocalPort())
                        .findFirst()
                        .orElseThrow(() ->
                                new AssertionError("the child's connection to " + peer.getLocalPort() + " not seen"));
                assertEquals("ESTABLISHED", out.state());
                assertEquals(accepted.getPort(), out.localPort());
                Bundle mine = bundle("io.keywarden.monitor");
                BundleInfo b = snap.bundles().stream()
                        .filter(x -> x.id() == mine.getBundleId())
                        .findFirst()
                        .orElseThrow();
                assertEquals("ACTIVE", b.state());
                assertEquals(sha256(Path.of(ItProperties.required(ItProperties.BUNDLE_MONITOR))), b.sha256());

                // and the scheduled scan turns the unexpected listener into an alert about the gateway
                Incident i = await(
                        "gateway-unknown-listener for tcp:" + port,
                        CONTAIN_TIMEOUT,
                        () -> monitor.getIncidents().stream()
                                .filter(x -> x.getRule().equals("gateway-unknown-listener")
                                        && ("tcp:" + port)
                                                .equals(x.getEvidence().get("listener")))
                                .findFirst()
                                .orElse(null));
                assertEquals(gw, i.getDeviceId());
                assertEquals(ResponseAction.ALERT, i.getAction());
                assertEquals(Long.toString(child.pid()), i.getEvidence().get("pid"));
            } finally {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void assertRefused(ChannelClient client, String reason) throws InterruptedException {
        ChannelClient.Result r = client.get("/v1/status");
        assertEquals(r.toString(), ChannelClient.TLS_REFUSED, r.status());
        events.await(
                MonitorEvents.TOPIC_REFUSED,
                e -> reason.equals(e.getProperty(MonitorEvents.PROPERTY_REASON))
                        && "handshake".equals(e.getProperty(MonitorEvents.PROPERTY_STAGE)),
                Duration.ofSeconds(5));
        client.close();
    }

    private static long count(DeviceMonitor monitor, String deviceId) {
        return monitor.getIncidents().stream()
                .filter(i -> i.getDeviceId().equals(deviceId))
                .count();
    }

    private static byte[] readLine(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            out.write(b);
        }
        return out.toByteArray();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
