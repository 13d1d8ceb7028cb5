package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.keywarden.est.internal.auth.EnrollmentCodeStore;
import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.sensors.EstSensorClient;
import io.keywarden.testing.sensors.SensorKeys;

/**
 * Issue 10, test 5: the real runtime is killed with SIGKILL while an EST enrollment waits on the CA. The CA is cut off
 * (a TCP proxy in front of Pebble), so the sensor's simpleenroll is answered 202 + Retry-After while the ACME bundle
 * keeps retrying; then {@code kill -9}, the CA back, the runtime started again. The sensor's retry (Bouncy Castle's
 * EST client, the same request) gets its certificate, and the CA saw exactly one order for it: counted at Pebble
 * (its log's "Added order" and "Issued certificate" lines), with no order left under way on the gateway and one
 * certificate record for the device.
 */
class EstCrashTest {
    private static final String GATEWAY = "gateway.est-crash.keywarden.test";
    private static final String DOMAIN = ".est-crash.keywarden.test";
    private static final String SENSOR = "code-00001";

    @Test
    void anEnrollmentWaitingOnTheCaWhenTheRuntimeIsKilledEndsWithOneOrderAndTheSensorsCertificate() throws Exception {
        Layout layout = Layout.detect();
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.home.resolve("demo/target/est-crash-test");
        try (LocalStage stage = LocalStage.start(work)) {
            stage.blockableCa();
            int port = FreePorts.find();
            String code = configure(stage, work, port);
            RuntimeProcess first = stage.startRuntime(runtimeJar, List.of());
            assertTrue(stage.awaitCurrent(Set.of(GATEWAY), 90_000, have -> {}).isEmpty(), first.tail(40));
            EstStage.awaitListening(port, first, 30_000);
            EstSensorClient client = new EstSensorClient(
                    "127.0.0.1:" + port, stage.pebble.rootCertificates().get(0), GATEWAY);

            int ordersBefore = stage.pebble.orderCount();
            int issuedBefore = issuedByPebble(stage);
            stage.blockCa();
            KeyPair key = SensorKeys.newKey();
            EstSensorClient.Pending pending = client.beginWithCode(SENSOR, code, key, SENSOR + DOMAIN);
            assertFalse(pending.isCompleted(), "the CA is cut off: the answer must be 202, not a certificate");
            assertEquals(ordersBefore, stage.pebble.orderCount(), "no order can have reached the CA yet");

            first.kill();
            assertFalse(first.isAlive());
            stage.unblockCa();
            RuntimeProcess second = stage.startRuntime(runtimeJar, List.of());
            EstStage.awaitListening(port, second, 30_000);

            X509Certificate cert = pending.follow();

            assertEquals(key.getPublic(), cert.getPublicKey(), "the certificate is for the CSR's key");
            assertTrue(
                    cert.getSubjectAlternativeNames().stream().anyMatch(n -> (SENSOR + DOMAIN).equals(n.get(1))),
                    String.valueOf(cert.getSubjectAlternativeNames()));
            String serial = cert.getSerialNumber().toString(16);
            assertTrue(stage.pebble.certStatus(serial).isValid(), "not Valid at Pebble: " + serial);
            assertEquals(1, stage.pebble.orderCount() - ordersBefore, "orders at the CA for the sensor");
            assertEquals(1, issuedByPebble(stage) - issuedBefore, "certificates the CA issued for the sensor");
            assertEquals(List.of(normal(serial)), recordedSerials(stage.dataDir, SENSOR), "records of the sensor");
            assertFalse(
                    Files.exists(
                            stage.dataDir.resolve("devices").resolve(SENSOR).resolve("pending-order.properties")),
                    "an order is still under way for the sensor on the gateway");
        }
    }

    /** Gateway, EST server (short CA wait, 1 s Retry-After) and a device class for codes; returns the sensor's code. */
    private static String configure(LocalStage stage, Path work, int port) throws IOException {
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 2));
        Path estData = work.resolve("est");
        Map<String, String> est = new LinkedHashMap<>();
        est.put("bind.address", "127.0.0.1");
        est.put("port", Integer.toString(port));
        est.put("data.dir", estData.toAbsolutePath().toString());
        est.put("ca.wait.ms", "1000");
        est.put("retry.after.seconds", "1");
        ConfigFiles.write(stage.etc.resolve("io.keywarden.est.cfg"), est, "EST server (EstCrashTest)");
        Map<String, String> cls = new LinkedHashMap<>();
        cls.put("name", "crash");
        cls.put("devices.pattern", "code-[0-9]+");
        cls.put("dns.names", "{id}" + DOMAIN);
        ConfigFiles.write(stage.etc.resolve("io.keywarden.est.class-crash.cfg"), cls, "EST device class");
        // the operator's est:code, written where the server reads it, before it starts
        return new EnrollmentCodeStore(estData.resolve("codes"), Clock.systemUTC())
                .create(SENSOR, Instant.now().plus(Duration.ofHours(1)));
    }

    private static int issuedByPebble(LocalStage stage) throws IOException {
        String log = Files.readString(stage.pebble.logFile(), StandardCharsets.UTF_8);
        return (int)
                log.lines().filter(l -> l.contains("Issued certificate serial")).count();
    }

    /** Serials of the certificate records the gateway holds for a device. */
    private static List<String> recordedSerials(Path data, String deviceId) throws IOException {
        Path certs = data.resolve("devices").resolve(deviceId).resolve("certs");
        try (Stream<Path> files = Files.list(certs)) {
            return files.filter(f -> f.toString().endsWith(".properties"))
                    .map(EstCrashTest::serialOf)
                    .toList();
        }
    }

    private static String serialOf(Path record) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(record, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + record, e);
        }
        return normal(p.getProperty("serial"));
    }

    private static String normal(String hex) {
        return new BigInteger(hex, 16).toString(16);
    }
}
