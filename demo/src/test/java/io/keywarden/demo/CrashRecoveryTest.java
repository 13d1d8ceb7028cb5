package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The real runtime process is killed with SIGKILL in the middle of enrolling a batch of sensors and started again:
 * every sensor ends up with exactly one certificate, and every certificate the CA issued is recorded on the
 * gateway (an order cut short is resumed, not placed a second time).
 */
class CrashRecoveryTest {
    private static final Pattern ISSUED = Pattern.compile("Issued certificate serial ([0-9a-f]+)");
    private static final String GATEWAY = "gateway.crash.keywarden.test";
    private static final int SENSORS = 60;

    @Test
    void aRuntimeKilledMidBatchFinishesAfterARestartWithoutOrphanOrDuplicateCertificates() throws Exception {
        Layout layout = Layout.detect();
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.home.resolve("demo/target/crash-test");
        try (LocalStage stage = LocalStage.start(work)) {
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
            Set<String> expected = new TreeSet<>(Set.of(GATEWAY));
            for (int i = 1; i <= SENSORS; i++) {
                String id = String.format(Locale.ROOT, "sensor-%03d", i);
                expected.add(id);
                ConfigFiles.writeSensor(
                        stage.etc, id, new ConfigFiles.Sensor(id, List.of(id + ".crash.keywarden.test"), null));
            }
            RuntimeProcess first = stage.startRuntime(runtimeJar, List.of());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(5))
                    .untilAsserted(() -> assertTrue(
                            stage.state().current().size() >= 12,
                            () -> "no progress before the kill: "
                                    + stage.state().current().size() + " certificates"));
            first.kill();
            int atKill = stage.state().current().size();
            assertTrue(atKill < expected.size(), "the batch must be cut short, but all " + atKill + " were done");

            stage.startRuntime(runtimeJar, List.of());
            Set<String> missing = stage.awaitCurrent(expected, 120_000, have -> {});
            assertTrue(missing.isEmpty(), "not enrolled after the restart: " + missing);

            Map<String, Integer> certsPerDevice = new HashMap<>();
            Set<String> recorded = recordedSerials(stage.dataDir, certsPerDevice);
            Set<String> issued = issuedByPebble(stage.pebble.logFile());
            Set<String> orphans = new TreeSet<>(issued);
            orphans.removeAll(recorded);
            assertEquals(
                    Set.of(),
                    orphans,
                    "issued by the CA but unknown to the gateway (killed with " + atKill + " of " + expected.size()
                            + " done)");
            certsPerDevice.forEach((device, n) -> assertEquals(1, n, device + " has " + n + " certificates"));
            assertEquals(expected.size(), issued.size());
        }
    }

    private static Set<String> recordedSerials(Path data, Map<String, Integer> perDevice) throws IOException {
        Set<String> serials = new TreeSet<>();
        try (Stream<Path> files = Files.walk(data.resolve("devices"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")
                            && p.getParent().endsWith("certs"))
                    .toList()) {
                Properties p = new Properties();
                try (var r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
                    p.load(r);
                }
                serials.add(normal(p.getProperty("serial")));
                perDevice.merge(p.getProperty("device.id"), 1, Integer::sum);
            }
        }
        return serials;
    }

    private static Set<String> issuedByPebble(Path log) throws IOException {
        Set<String> serials = new TreeSet<>();
        Matcher m = ISSUED.matcher(Files.readString(log, StandardCharsets.UTF_8));
        while (m.find()) {
            serials.add(normal(m.group(1)));
        }
        return serials;
    }

    private static String normal(String hex) {
        return new BigInteger(hex, 16).toString(16);
    }
}
