package io.keywarden.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.Reports;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * The monitoring half of a local run: the monitor's and the revocation component's configuration files, the monitor
 * registered as the gateway-monitor authority once its key exists, and simulated sensors talking to its channel.
 */
final class ContainmentStage {
    static final String MONITOR_PID = "io.keywarden.monitor";
    static final String REVOCATION_PID = "io.keywarden.revocation";
    static final String AUTHORITY_FACTORY_PID = "io.keywarden.revocation.authority";

    private final LocalStage stage;
    private final String gateway;
    final int channelPort;
    final Path monitorData;
    final Path revocationData;

    private ContainmentStage(LocalStage stage, String gateway, int channelPort) {
        this.stage = stage;
        this.gateway = gateway;
        this.channelPort = channelPort;
        this.monitorData = stage.workDir.resolve("monitor");
        this.revocationData = stage.workDir.resolve("revocation");
    }

    /** Writes the monitor's and the revocation policy's .cfg files (before or after the runtime starts). */
    static ContainmentStage configure(LocalStage stage, String gateway, int maxRequestsPerSecond) {
        ContainmentStage c = new ContainmentStage(stage, gateway, FreePorts.find());
        Map<String, String> m = new LinkedHashMap<>();
        m.put("channel.bind.address", "127.0.0.1");
        m.put("channel.port", Integer.toString(c.channelPort));
        m.put("data.dir", c.monitorData.toAbsolutePath().toString());
        m.put("baseline.firmware.sha256", String.join(",", Reports.baselineFirmware()));
        m.put("baseline.task.sha256", String.join(",", Reports.baselineTasks()));
        m.put("baseline.peers", String.join(",", Reports.baselinePeers()));
        m.put("baseline.max.requests.per.second", Integer.toString(maxRequestsPerSecond));
        m.put("baseline.heartbeat.seconds", "30");
        m.put("authority.id", "monitor@" + gateway);
        ConfigFiles.write(stage.etc.resolve(MONITOR_PID + ".cfg"), m, "Keywarden device monitor (" + MONITOR_PID + ")");
        Map<String, String> r = new LinkedHashMap<>();
        r.put("routes", "CUSTODIAN_ACCOUNT,CERTIFICATE_KEY");
        r.put("data.dir", c.revocationData.toAbsolutePath().toString());
        r.put("rate.per.minute", "6000");
        r.put("retry.initial.millis", "200");
        ConfigFiles.write(
                stage.etc.resolve(REVOCATION_PID + ".cfg"), r, "Keywarden revocation (" + REVOCATION_PID + ")");
        return c;
    }

    String authorityId() {
        return "monitor@" + gateway;
    }

    /**
     * Waits for the monitor's public key file, configures it as this gateway's gateway-monitor authority, and waits
     * until the revocation component has taken that authority and the channel accepts connections.
     */
    void awaitReady(long timeoutMillis) {
        Path key = monitorData.resolve("monitor-public.pem");
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        waitFor("the monitor's key " + key, deadline, () -> Files.isRegularFile(key));
        Map<String, String> a = new LinkedHashMap<>();
        a.put("authority.id", authorityId());
        a.put("authority.role", "gateway-monitor");
        a.put("authority.key", key.toAbsolutePath().toString());
        a.put("authority.scope", gateway);
        ConfigFiles.write(
                stage.etc.resolve(AUTHORITY_FACTORY_PID + "-monitor.cfg"),
                a,
                "the gateway's monitor as its gateway-monitor revocation authority");
        waitFor(
                "the revocation component to take authority " + authorityId(),
                deadline,
                () -> logContains("Revocation authority " + authorityId() + " ("));
        waitFor("the sensor channel on port " + channelPort, deadline, this::channelOpen);
    }

    private boolean channelOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", channelPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean logContains(String text) {
        try {
            return Files.exists(stage.runtimeLog)
                    && Files.readString(stage.runtimeLog, StandardCharsets.UTF_8)
                            .contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitFor(String what, long deadline, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new DemoException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted");
            }
        }
    }

    /** A simulated sensor with {@code key} and the certificate the gateway holds for it now (the benchmarks). */
    SimulatedSensor sensor(String id, KeyPair key, StateDir.Cert cert, Profile profile, List<X509Certificate> roots) {
        return sensor(id, key, Crypto.readChain(cert.chainFile()), profile, roots);
    }

    /** A simulated sensor with the key and certificate chain (leaf first) it holds itself. */
    SimulatedSensor sensor(
            String id, KeyPair key, List<X509Certificate> chain, Profile profile, List<X509Certificate> roots) {
        return new SimulatedSensor(id, key, chain, profile, new InetSocketAddress("127.0.0.1", channelPort), roots);
    }

    /**
     * Pebble's status of a certificate. Pebble looks a serial up among the valid certificates and then among the
     * revoked ones, so a poll that falls between the two while the certificate is being revoked gets a 404: that
     * is reported as "Unknown", and callers poll again.
     */
    static String caStatus(LocalStage stage, String serial) {
        try {
            return stage.pebble.certStatus(serial).status();
        } catch (IllegalArgumentException notFoundRightNow) {
            return "Unknown";
        }
    }

    /** One incident as the monitor persisted it. */
    record IncidentLine(String device, String rule, String severity, String action, String evidence, String ticket) {}

    /** The incidents in incidents.jsonl, the last line of each id winning (an update appends it again). */
    List<IncidentLine> incidents() {
        Path file = monitorData.resolve("incidents.jsonl");
        Map<String, IncidentLine> byId = new LinkedHashMap<>();
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Map<String, Object> m;
                try {
                    m = JsonUtil.parseJson(line);
                } catch (JoseException tornByACrash) {
                    continue;
                }
                if (!(m.get("id") instanceof String id)) {
                    continue;
                }
                String evidence = m.get("evidence") instanceof Map<?, ?> e
                        ? e.entrySet().stream()
                                .map(x -> x.getKey() + ":" + x.getValue())
                                .collect(Collectors.joining(","))
                        : "";
                byId.put(
                        id,
                        new IncidentLine(
                                text(m, "device"),
                                text(m, "rule"),
                                text(m, "severity"),
                                text(m, "action"),
                                evidence,
                                text(m, "ticket")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(byId.values());
    }

    private static String text(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }
}
