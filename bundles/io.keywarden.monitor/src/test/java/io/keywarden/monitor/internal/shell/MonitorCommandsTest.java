package io.keywarden.monitor.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.keywarden.api.monitor.BundleInfo;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.ProcessInfo;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.api.monitor.SensorActivity;
import io.keywarden.api.monitor.Severity;
import io.keywarden.api.monitor.SocketInfo;

/** The Gogo commands against a hand-written monitor with canned data. */
class MonitorCommandsTest {
    private final Set<String> quarantined = new TreeSet<>(Set.of("s2"));
    private final List<Incident> incidents = new ArrayList<>(List.of(Incident.builder()
            .id("inc-1")
            .deviceId("s2")
            .serial("ab")
            .rule("unknown-firmware")
            .severity(Severity.CRITICAL)
            .action(ResponseAction.REVOKE)
            .observedAt(Instant.EPOCH)
            .decidedAt(Instant.EPOCH)
            .evidence("firmware.sha256", "ff")
            .revocationTicketId("t-1")
            .build()));

    private final DeviceMonitor monitor = new DeviceMonitor() {
        @Override
        public List<Incident> getIncidents() {
            return incidents;
        }

        @Override
        public Set<String> getQuarantinedDevices() {
            return quarantined;
        }

        @Override
        public boolean isQuarantined(String d) {
            return quarantined.contains(d);
        }

        @Override
        public boolean liftQuarantine(String d, String reason) {
            return quarantined.remove(d);
        }

        @Override
        public List<SensorActivity> getSensorActivity() {
            return List.of(
                    new SensorActivity("s2", "ab", "10.0.0.7", Instant.EPOCH, 12, 3, Map.of("/v1/report", 12L), null));
        }

        @Override
        public Optional<InetSocketAddress> getChannelAddress() {
            return Optional.empty();
        }

        @Override
        public String getAuthorityId() {
            return "monitor@gw";
        }

        @Override
        public String getAuthorityPublicKeyPem() {
            return "";
        }

        @Override
        public GatewaySnapshot observeGateway() {
            return new GatewaySnapshot(
                    Instant.EPOCH,
                    List.of(new ProcessInfo(7, "/usr/bin/java", "0123456789abcdef", "java")),
                    List.of(new SocketInfo("tcp", "0.0.0.0", 8443, "0.0.0.0", 0, "LISTEN", 1, 7)),
                    List.of(new BundleInfo(3, "io.keywarden.monitor", "0.1.0", "file:/m.jar", "ACTIVE", null)));
        }
    };

    private final List<String> operatorQuarantines = new ArrayList<>();
    private final MonitorCommands commands = new MonitorCommands(monitor, new MonitorCommands.Baselines() {
        @Override
        public boolean quarantine(String d, String reason) {
            operatorQuarantines.add(d + ": " + reason);
            return quarantined.add(d);
        }

        @Override
        public String proposedBaseline() {
            return "{\"classes\":{}}";
        }

        @Override
        public Path approveBaseline() {
            return Path.of("/data/approved-baseline.json");
        }

        @Override
        public boolean learning() {
            return true;
        }
    });

    @Test
    void listsIncidentsQuarantineAndSensors() {
        assertTrue(commands.incidents().contains("unknown-firmware"), commands.incidents());
        assertTrue(commands.incidents().contains("ticket t-1"));
        assertEquals("s2", commands.quarantined());
        String sensors = commands.sensors();
        assertTrue(
                sensors.contains("from 10.0.0.7")
                        && sensors.contains("report never")
                        && sensors.endsWith("QUARANTINED"),
                sensors);
    }

    @Test
    void quarantinesAndReleases() {
        assertEquals("s3 quarantined", commands.quarantine("s3", "looks", "odd"));
        assertEquals(List.of("s3: looks odd"), operatorQuarantines);
        assertEquals("s3 was already quarantined", commands.quarantine("s3"));
        assertEquals("s3 released", commands.release("s3"));
        assertEquals("s3 was not quarantined", commands.release("s3", "again"));
        incidents.clear();
        quarantined.clear();
        assertEquals("no incidents", commands.incidents());
        assertEquals("no device is quarantined", commands.quarantined());
    }

    @Test
    void showsTheGatewayAndTheBaseline() throws Exception {
        String g = commands.gateway();
        assertTrue(
                g.contains("0123456789ab /usr/bin/java") && g.contains("LISTEN") && g.contains("io.keywarden.monitor"),
                g);
        assertEquals("{\"classes\":{}}", commands.baseline());
        assertTrue(commands.approve().contains("set learning.mode=false"));
    }
}
