package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet authority on its own node: two real runtime processes, one Pebble (real http-01), one Mosquitto. The
 * gateway publishes its signed issuance log and escrow deposit; the authority, which knows the gateway only through the
 * broker, takes a COMPROMISED_GATEWAY request in its inbox, revokes every certificate of the gateway at Pebble through
 * the escrowed account key, deactivates the account, and its notice makes the gateway deny all of them. A log entry
 * signed by a certificate for another name is refused, and so is one signed by the gateway itself once it is frozen.
 * The same test with the authority's state in embedded H2 ({@link FleetRevocationH2Test}) and in PostgreSQL
 * ({@link FleetRevocationPostgresTest}); what it checks of that state it reads from there.
 */
abstract class FleetRevocationTest {
    private static final AuthorityDatabases DATABASES = new AuthorityDatabases();
    private static final String GATEWAY = "gateway.fleet.keywarden.test";
    private static final int SENSORS = 3;
    private static final int REASON_KEY_COMPROMISE = 1;

    abstract AuthorityDatabases.Kind kind();

    @AfterAll
    static void stopDatabases() {
        DATABASES.close();
    }

    @Test
    void anAuthorityThatKnowsTheGatewayOnlyOverMqttRevokesItAndTheGatewayDeniesItAll() throws Exception {
        Layout layout = Layout.detect();
        Path runtimeJar = layout.requireRuntimeJar();
        AuthorityStore store = DATABASES.store(kind(), "fleet_revocation");
        try (FleetStage fleet =
                FleetStage.start(layout.home.resolve("demo/target/fleet-revocation-test-" + kind().dir()), store)) {
            List<ConfigFiles.Sensor> sensors = new ArrayList<>();
            Set<String> devices = new TreeSet<>(Set.of(GATEWAY));
            for (int i = 1; i <= SENSORS; i++) {
                String id = "sensor-" + i;
                sensors.add(new ConfigFiles.Sensor(id, List.of(id + ".fleet.keywarden.test"), null));
                devices.add(id);
            }
            fleet.configureGateway(GATEWAY, sensors);
            fleet.configureAuthority();
            RuntimeProcess g = fleet.startGateway(runtimeJar);
            RuntimeProcess a = fleet.startAuthority(runtimeJar);
            StateDir authorityState = new StateDir(fleet.authorityData);
            assertTrue(
                    fleet.gateway.awaitCurrent(devices, 60_000, n -> {}).isEmpty(),
                    "gateway not enrolled\n" + g.tail(40));
            await(
                    () -> authorityState.current().containsKey(FleetStage.AUTHORITY_HOST),
                    60_000,
                    () -> "authority not enrolled\n" + a.tail(40));
            Map<String, StateDir.Cert> certs = fleet.gateway.state().current();
            Set<String> serials = new TreeSet<>();
            certs.values().forEach(c -> serials.add(c.serial()));

            // the authority learns the gateway's certificates and escrow deposit over MQTT only
            await(
                    () -> fleet.storedSerials(GATEWAY).containsAll(serials),
                    30_000,
                    () -> "inventory at the authority: " + fleet.storedSerials(GATEWAY) + ", wanted " + serials + "\n"
                            + a.tail(40));
            await(
                    () -> Files.exists(fleet.authorityDeposits.resolve(GATEWAY + ".escrow.jwe")),
                    30_000,
                    () -> "no escrow deposit at the authority\n" + a.tail(40));

            // a certificate ordered while the gateway is cut off from the broker reaches the authority at reconnection
            fleet.broker.stop();
            ConfigFiles.writeSensor(
                    fleet.gateway.etc,
                    "offline",
                    new ConfigFiles.Sensor("offline", List.of("offline.fleet.keywarden.test"), null));
            devices.add("offline");
            assertTrue(
                    fleet.gateway.awaitCurrent(devices, 60_000, n -> {}).isEmpty(),
                    "the sensor added while the broker is down was not enrolled\n" + g.tail(40));
            String offline = fleet.gateway.state().current().get("offline").serial();
            assertFalse(fleet.storedSerials(GATEWAY).contains(offline));
            fleet.broker.start();
            await(
                    () -> fleet.storedSerials(GATEWAY).contains(offline),
                    30_000,
                    () -> "the certificate ordered offline did not reach the authority\n" + g.tail(20) + "\n"
                            + a.tail(20));
            serials.add(offline);

            List<String> before = fleet.storedMessages(GATEWAY);
            publishNextEntry(
                    fleet,
                    fleet.authorityData.resolve("devices").resolve(FleetStage.AUTHORITY_HOST),
                    authorityState.current().get(FleetStage.AUTHORITY_HOST));
            await(
                    () -> log(fleet.authorityLog())
                            .contains("Refused a message on keywarden/" + FleetStage.FLEET + "/log/" + GATEWAY),
                    10_000,
                    () -> "forged log entry not refused\n" + a.tail(20));
            assertTrue(log(fleet.authorityLog()).contains("signed by a certificate for [" + FleetStage.AUTHORITY_HOST));
            assertEquals(before, fleet.storedMessages(GATEWAY), "a refused entry changed the stored log");

            // the gateway's own key cannot fork, skip or rewrite its log: each is an incident, audited, nothing stored
            Path audit = fleet.authorityRevocation.resolve("audit.log");
            Path gatewayDir = fleet.gateway.state().root().resolve("devices").resolve(GATEWAY);
            for (Edit edit : List.of(Edit.FORK, Edit.GAP, Edit.REWRITE)) {
                publishEntry(fleet, gatewayDir, certs.get(GATEWAY), edit);
                await(
                        () -> log(audit).contains("\"incident\":\"" + edit + "\""),
                        10_000,
                        () -> edit + " not audited as an incident\n" + a.tail(20));
            }
            assertEquals(before, fleet.storedMessages(GATEWAY), "an incident changed the stored log");

            CompromiseOutcome outcome;
            try {
                outcome = fleet.compromise(GATEWAY, REASON_KEY_COMPROMISE, serials, 30_000);
            } catch (DemoException e) {
                throw new AssertionError(e.getMessage() + "\n" + a.tail(30) + "\n" + g.tail(30), e);
            }
            assertEquals(serials, outcome.revoked().keySet());
            outcome.revoked()
                    .forEach((serial, st) -> assertEquals(REASON_KEY_COMPROMISE, st.reason(), serial + " reason"));
            assertTrue(fleet.deniedAtGateway().containsAll(serials));

            // issue 13 test 4: from the accepted ticket on, the gateway's own key no longer changes its recorded state
            List<String> frozen = fleet.storedMessages(GATEWAY);
            await(() -> log(audit).contains("FLEET_FROZEN"), 10_000, () -> "gateway not frozen\n" + a.tail(20));
            await(
                    () -> frozen(fleet).contains(GATEWAY),
                    10_000,
                    () -> "the gateway is not frozen in " + fleet.fleetDb() + "\n" + a.tail(20));
            publishNextEntry(fleet, gatewayDir, certs.get(GATEWAY));
            await(
                    () -> log(audit).contains("FLEET_REFUSED") && log(audit).contains("is under an accepted"),
                    10_000,
                    () -> "the compromised gateway's report was not refused and audited\n" + a.tail(20));
            assertEquals(frozen, fleet.storedMessages(GATEWAY), "a frozen gateway's log changed");
            System.out.printf(
                    "fleet revocation of %d certificates: submit -> all Revoked at Pebble %d ms, "
                            + "-> all denied at the gateway %d ms (polled every 5 ms)%n",
                    serials.size(), outcome.submitToRevokedMillis(), outcome.submitToDeniedMillis());

            // the account is deactivated: the authority's ticket says so, and the gateway cannot order any more
            await(() -> accountDeactivated(fleet), 15_000, () -> "account not deactivated\n" + a.tail(30));
            ConfigFiles.writeSensor(
                    fleet.gateway.etc,
                    "late",
                    new ConfigFiles.Sensor("late", List.of("late.fleet.keywarden.test"), null));
            await(
                    () -> log(fleet.gateway.runtimeLog).toLowerCase(Locale.ROOT).contains("deactivated"),
                    20_000,
                    () -> "the gateway's next order was not refused as deactivated\n" + g.tail(30));
            assertFalse(fleet.gateway.state().current().containsKey("late"), "a deactivated account got a certificate");
            AuthorityDatabases.assertStateWhereConfigured(fleet, "revocation_ticket", "fleet_log_entry");
        }
    }

    /**
     * Publishes the next entry of the gateway's log as the authority stores it, signed with the key and chain of
     * {@code device}: an intruder holding a real certificate of the fleet's CA for another name, or the gateway itself.
     */
    private static void publishNextEntry(FleetStage fleet, Path deviceDir, StateDir.Cert cert) throws Exception {
        publishEntry(fleet, deviceDir, cert, Edit.NEXT);
    }

    /** The entry to publish, from the last one the authority stored. */
    private enum Edit {
        /** the next entry, chained correctly */
        NEXT,
        /** another entry at the last stored sequence */
        FORK,
        /** an entry one beyond the next */
        GAP,
        /** the next sequence, chained to another history */
        REWRITE
    }

    private static void publishEntry(FleetStage fleet, Path deviceDir, StateDir.Cert cert, Edit edit) throws Exception {
        String pem = Files.readString(deviceDir.resolve("key.pem"), StandardCharsets.US_ASCII);
        String body = pem.substring(
                pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
        List<X509Certificate> chain = new ArrayList<>();
        try (var in = Files.newInputStream(cert.chainFile())) {
            CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)
                    .forEach(c -> chain.add((X509Certificate) c));
        }
        List<String> lines = fleet.storedMessages(GATEWAY);
        String lastJws = lines.get(lines.size() - 1);
        String lastPayload = new String(Base64.getUrlDecoder().decode(lastJws.split("\\.")[1]), StandardCharsets.UTF_8);
        Map<String, Object> payload = new LinkedHashMap<>(JsonUtil.parseJson(lastPayload));
        String lastHash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(lastPayload.getBytes(StandardCharsets.UTF_8)));
        switch (edit) {
            case NEXT -> {
                payload.put("seq", lines.size() + 1);
                payload.put("prev", lastHash);
            }
            case FORK -> payload.put("iat", ((Number) payload.get("iat")).longValue() + 1);
            case GAP -> {
                payload.put("seq", lines.size() + 2);
                payload.put("prev", lastHash);
            }
            case REWRITE -> {
                payload.put("seq", lines.size() + 1);
                payload.put("prev", "f".repeat(64));
            }
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setCertificateChainHeaderValue(chain.toArray(new X509Certificate[0]));
        jws.setKey(key);
        MqttClient client = new MqttClient(fleet.broker.url(), "intruder", new MemoryPersistence());
        try {
            client.connect();
            client.publish(
                    "keywarden/" + FleetStage.FLEET + "/log/" + GATEWAY,
                    jws.getCompactSerialization().getBytes(StandardCharsets.US_ASCII),
                    1,
                    false);
            client.disconnect();
        } finally {
            client.close();
        }
    }

    /** Whether one of the authority's journaled tickets says the account was deactivated. */
    private static boolean accountDeactivated(FleetStage fleet) {
        try {
            return AuthorityDatabases.tickets(fleet).stream()
                    .anyMatch(t -> Boolean.TRUE.equals(t.get("accountDeactivated")));
        } catch (SQLException notThereYet) {
            return false;
        }
    }

    /** The gateways the authority's fleet database says are frozen. */
    private static Set<String> frozen(FleetStage fleet) {
        try {
            return AuthorityDatabases.frozen(fleet);
        } catch (SQLException notThereYet) {
            return Set.of();
        }
    }

    private static String log(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** On a timeout the message (with the runtime's log tail) is the failure's. */
    private static void await(BooleanSupplier condition, long timeoutMillis, Supplier<String> message) {
        Awaitility.await()
                .atMost(Duration.ofMillis(timeoutMillis))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertTrue(condition.getAsBoolean(), message));
    }
}
