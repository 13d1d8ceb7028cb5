package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.keywarden.testing.pebble.CertStatus;

/**
 * The real runtime is killed with SIGKILL while 20 accepted revocation requests wait for a CA it cannot reach;
 * after a restart, and once the CA is reachable again, every one of them ends revoked at Pebble, each certificate
 * revoked once, and the denials survived the kill.
 */
class RevocationCrashTest {
    private static final String GATEWAY = "gateway.revoke-crash.keywarden.test";
    private static final int SENSORS = 20;

    @Test
    void requestsAcceptedBeforeAKillAreAllRevokedAfterTheRestart() throws Exception {
        Layout layout = Layout.detect();
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.home.resolve("demo/target/revocation-crash-test");
        try (LocalStage stage = LocalStage.start(work)) {
            stage.blockableCa();
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
            Set<String> devices = new TreeSet<>(Set.of(GATEWAY));
            for (int i = 1; i <= SENSORS; i++) {
                String id = sensor(i);
                devices.add(id);
                ConfigFiles.writeSensor(
                        stage.etc, id, new ConfigFiles.Sensor(id, List.of(id + ".crash.keywarden.test"), null));
            }
            RevocationStage revocation = RevocationStage.configure(work, stage.etc, GATEWAY, 2);
            RuntimeProcess first = stage.startRuntime(runtimeJar, List.of());
            assertTrue(stage.awaitCurrent(devices, 120_000, have -> {}).isEmpty(), "sensors not enrolled");
            Map<String, StateDir.Cert> certs = stage.state().current();

            stage.blockCa();
            for (int i = 1; i <= SENSORS; i++) {
                revocation.deliver(sensor(i), revocation.signDeviceRevocation(sensor(i)));
            }
            awaitAccepted(revocation, first);
            first.kill();

            // what was decided before the kill is in the database: journal and deny list
            List<String> denied = RevocationDb.denied(revocation.dataDir);
            for (int i = 1; i <= SENSORS; i++) {
                assertTrue(denied.contains(certs.get(sensor(i)).serial()), sensor(i) + " not denied after the kill");
                assertEquals(
                        "Valid",
                        stage.pebble.certStatus(certs.get(sensor(i)).serial()).status());
            }

            stage.startRuntime(runtimeJar, List.of());
            Thread.sleep(1000);
            stage.unblockCa();
            awaitAllRevoked(stage, certs);
            assertEquals(
                    "Valid",
                    stage.pebble.certStatus(certs.get(GATEWAY).serial()).status());

            // each ticket ends REVOKED in the journal, and the audit log records one revocation per certificate
            awaitJournalSettled(revocation.dataDir);
            assertEachRevokedOnceInTheAudit(revocation.dataDir.resolve("audit.log"), certs);
        }
    }

    /** Every request has an answer file, and none was refused: accepted (or already retrying against the cut CA). */
    private static void awaitAccepted(RevocationStage revocation, RuntimeProcess runtime) {
        Map<String, Map<String, Object>> accepted = new LinkedHashMap<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    for (int i = 1; i <= SENSORS; i++) {
                        revocation.result(sensor(i)).ifPresent(r -> accepted.put(String.valueOf(r.get("ticket")), r));
                    }
                    assertTrue(
                            accepted.size() >= SENSORS,
                            () -> "accepted so far: " + accepted.keySet() + "\n" + runtime.tail(30));
                });
        for (Map<String, Object> r : accepted.values()) {
            assertTrue(Set.of("ACCEPTED", "RETRYING").contains(r.get("state")), r.toString());
        }
    }

    private static void awaitAllRevoked(LocalStage stage, Map<String, StateDir.Cert> certs) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    List<String> notYet = new ArrayList<>();
                    for (int i = 1; i <= SENSORS; i++) {
                        CertStatus s =
                                stage.pebble.certStatus(certs.get(sensor(i)).serial());
                        if (!s.isRevoked()) {
                            notYet.add(sensor(i));
                        } else {
                            assertEquals(1, s.reason(), sensor(i) + " revoked for key compromise");
                        }
                    }
                    assertTrue(notYet.isEmpty(), "not revoked after the restart: " + notYet);
                });
    }

    private static void assertEachRevokedOnceInTheAudit(Path auditLog, Map<String, StateDir.Cert> certs)
            throws Exception {
        String audit = Files.readString(auditLog, StandardCharsets.UTF_8);
        for (int i = 1; i <= SENSORS; i++) {
            String serial = certs.get(sensor(i)).serial();
            long revoked = audit.lines()
                    .filter(l -> l.contains("\"REVOKED_AT_CA\"") && l.contains("\"" + serial + "\""))
                    .count();
            assertEquals(1, revoked, sensor(i) + " revoked once");
        }
    }

    private static void awaitJournalSettled(Path revocationData) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    List<Object> states = new ArrayList<>();
                    for (Map<String, Object> t : RevocationDb.tickets(revocationData)) {
                        states.add(t.get("state"));
                    }
                    assertTrue(
                            states.size() == SENSORS && states.stream().allMatch("REVOKED"::equals),
                            "tickets in the journal: " + states);
                });
    }

    private static String sensor(int i) {
        return String.format(Locale.ROOT, "sensor-%02d", i);
    }
}
