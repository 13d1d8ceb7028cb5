package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Issue 13, with two real runtime processes, one Pebble (real http-01) and one Mosquitto: the fleet authority
 * believes the CA, not the suspect gateway, and an escrow deposit counts only once the CA confirms it. The same tests
 * with the authority's state in embedded H2 ({@link TrustTheCaH2Test}) and in PostgreSQL ({@link
 * TrustTheCaPostgresTest}); what they check of that state they read from there.
 */
abstract class TrustTheCaTest {
    private static final AuthorityDatabases DATABASES = new AuthorityDatabases();
    private static final String GATEWAY = "gateway.trust.keywarden.test";
    private static final String MADE_UP = "https://ca.invalid/my-account/1";

    abstract AuthorityDatabases.Kind kind();

    @AfterAll
    static void stopDatabases() {
        DATABASES.close();
    }

    /** The stage of the test {@code name}, its authority's state in this class's database. */
    private FleetStage start(Layout layout, String name) {
        AuthorityStore store = DATABASES.store(kind(), name.replace('-', '_'));
        return FleetStage.start(layout.home.resolve("demo/target/" + name + "-" + kind().dir()), store);
    }

    /**
     * Test 1 and 2: after 20 sensors enroll, the gateway lies in the only way its issuance log leaves it: it never
     * reports its sensors, and the one entry it publishes, signed with its own key, records its own certificate under a
     * made-up account; its escrow deposit (proven at the CA) pins the real account. Then, cut off from the broker, it
     * orders two more certificates. COMPROMISED_GATEWAY still gets all 23 Revoked at Pebble, deactivates the real
     * account and never the made-up one, raises the discrepancy incident naming every unreported serial, and the fleet
     * notice names every certificate.
     */
    @Test
    void aLyingGatewayAndWhatItOrderedOffTheBrokerAreRevokedAllTheSame() throws Exception {
        Layout layout = Layout.detect();
        try (FleetStage fleet = start(layout, "trust-the-ca-lying")) {
            Set<String> devices = new TreeSet<>(Set.of(GATEWAY));
            List<ConfigFiles.Sensor> sensors = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                sensors.add(
                        new ConfigFiles.Sensor("sensor-" + i, List.of("sensor-" + i + ".trust.keywarden.test"), null));
                devices.add("sensor-" + i);
            }
            fleet.configureGateway(GATEWAY, sensors);
            withholdReports(fleet);
            fleet.configureAuthority();
            RuntimeProcess g = fleet.startGateway(layout.requireRuntimeJar());
            RuntimeProcess a = fleet.startAuthority(layout.requireRuntimeJar());
            assertTrue(fleet.gateway.awaitCurrent(devices, 120_000, n -> {}).isEmpty(), "not enrolled\n" + g.tail(40));
            Set<String> enrolled = serials(fleet);
            Path deposit = fleet.gatewayDeposits.resolve(GATEWAY + ".escrow.jwe");
            await(() -> Files.exists(deposit), 60_000, () -> "no escrow deposit at the gateway\n" + g.tail(40));

            // the lie, signed with the gateway's own key: a log whose only entry is its own certificate under a
            // made-up account; its sensors are never reported
            FleetImpostor gw = new FleetImpostor(fleet);
            FleetImpostor.Identity own = gw.identity(GATEWAY);
            String realAccount = gw.accountUrl();
            gw.publishLogEntry(
                    own,
                    GATEWAY,
                    firstEntry(own.chain(), fleet.gateway.state().current().get(GATEWAY)));
            String ownSerial = own.chain().get(0).getSerialNumber().toString(16);
            await(
                    () -> fleet.storedSerials(GATEWAY).equals(Set.of(ownSerial)),
                    30_000,
                    () -> "lie not stored\n" + a.tail(20));
            // its escrow deposit is real: the authority proves at the CA that the key controls the real account
            gw.publish(own, "escrow", GATEWAY, Map.of("deposit", read(deposit).trim()));
            await(() -> accepted(fleet).isPresent(), 60_000, () -> "deposit not proven\n" + a.tail(40));
            assertEquals(Set.of(ownSerial), fleet.storedSerials(GATEWAY), "the authority heard of the sensors");
            assertTrue(enrolled.contains(ownSerial));

            // cut off from the broker, the gateway orders two more certificates the authority never hears of
            fleet.broker.stop();
            for (String late : List.of("late-1", "late-2")) {
                ConfigFiles.writeSensor(
                        fleet.gateway.etc,
                        late,
                        new ConfigFiles.Sensor(late, List.of(late + ".trust.keywarden.test"), null));
                devices.add(late);
            }
            assertTrue(fleet.gateway.awaitCurrent(devices, 60_000, n -> {}).isEmpty(), "late\n" + g.tail(40));
            Set<String> all = serials(fleet);
            assertEquals(23, all.size());

            fleet.deliver("compromised", fleet.signCompromisedGateway(GATEWAY, 1));
            await(
                    () -> all.stream()
                            .allMatch(s -> fleet.gateway.pebble.certStatus(s).isRevoked()),
                    60_000,
                    () -> "not all Revoked at Pebble\n" + a.tail(40));
            await(() -> ticketSays(fleet, "accountDeactivated", true), 20_000, () -> "not deactivated\n" + a.tail(30));
            String audit = read(fleet.authorityRevocation.resolve("audit.log"));
            List<String> deactivated = audit.lines()
                    .filter(l -> l.contains("\"ACCOUNT_DEACTIVATED\""))
                    .toList();
            assertEquals(1, deactivated.size(), audit);
            assertTrue(deactivated.get(0).contains(realAccount), "the real account, not " + deactivated);
            assertTrue(
                    audit.lines().noneMatch(l -> l.contains("ACCOUNT_DEACTIVATED") && l.contains(MADE_UP)),
                    "the made-up account was touched\n" + audit);
            String incident = audit.lines()
                    .filter(l -> l.contains("\"INCIDENT\"") && l.contains("CA_DISCREPANCY"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no discrepancy incident in\n" + audit));
            all.stream().filter(s -> !s.equals(ownSerial)).forEach(s -> assertTrue(incident.contains(s), s));

            // the fleet notice names every certificate: the gateway denies all 23 once the broker is back
            fleet.broker.start();
            await(
                    () -> fleet.deniedAtGateway().containsAll(all),
                    60_000,
                    () -> "denied at the gateway " + fleet.deniedAtGateway() + "\n" + g.tail(30));
            AuthorityDatabases.assertStateWhereConfigured(fleet, "revocation_ticket", "fleet_log_entry");
        }
    }

    /** The gateway's fleet bundle runs without reporting: no issuance log and no deposit of its own reach the broker. */
    private static void withholdReports(FleetStage fleet) throws IOException {
        Path cfg = fleet.gateway.etc.resolve(FleetStage.FLEET_PID + ".cfg");
        String text = read(cfg);
        assertTrue(text.contains("inventory.publish=true") || text.contains("inventory.publish = true"), text);
        Files.writeString(cfg, text.replaceAll("inventory\\.publish *= *true", "inventory.publish=false"));
    }

    /**
     * The first entry of an issuance log, as {@code IssuanceEvent} writes one: the gateway's own certificate, recorded
     * under {@link #MADE_UP}.
     */
    private static Map<String, Object> firstEntry(List<X509Certificate> chain, StateDir.Cert cert) throws Exception {
        X509Certificate leaf = chain.get(0);
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : chain) {
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("device", GATEWAY);
        record.put("kind", "GATEWAY");
        record.put("identifiers", cert.identifiers());
        record.put("serial", leaf.getSerialNumber().toString(16));
        record.put("notBefore", leaf.getNotBefore().toInstant().toString());
        record.put("notAfter", leaf.getNotAfter().toInstant().toString());
        record.put("issuedAt", cert.issuedAt().toString());
        record.put("account", MADE_UP);
        record.put("custody", cert.keyCustody());
        record.put("status", cert.status());
        record.put("chain", pem.toString());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("v", 1);
        entry.put("type", "event");
        entry.put("gateway", GATEWAY);
        entry.put("seq", 1);
        entry.put("prev", "0".repeat(64));
        entry.put("iat", Instant.now().getEpochSecond());
        entry.put("record", record);
        return entry;
    }

    /**
     * Test 3: refused at import: a sensor's deposit claiming the gateway's account (under the gateway's name, and
     * under its own), and a deposit whose key does not control the claimed account; an ACME key rollover by the
     * gateway is an incident within the re-verification period.
     */
    @Test
    void escrowThatDoesNotProveItselfIsRefusedAtImportAndARolloverIsAnIncident() throws Exception {
        Layout layout = Layout.detect();
        try (FleetStage fleet = start(layout, "trust-the-ca-escrow")) {
            String sensor = "sensor-1";
            String sensorName = sensor + ".trust.keywarden.test";
            fleet.configureGateway(GATEWAY, List.of(new ConfigFiles.Sensor(sensor, List.of(sensorName), null)));
            fleet.configureAuthority();
            Path policy = fleet.authorityEtc.resolve(RevocationStage.POLICY_PID + ".cfg");
            Files.writeString(
                    policy, read(policy) + "escrow.reverify.seconds = 3\nescrow.proof.interval.seconds = 1\n");
            RuntimeProcess g = fleet.startGateway(layout.requireRuntimeJar());
            RuntimeProcess a = fleet.startAuthority(layout.requireRuntimeJar());
            assertTrue(
                    fleet.gateway
                            .awaitCurrent(Set.of(GATEWAY, sensor), 60_000, n -> {})
                            .isEmpty(),
                    g.tail(40));
            await(() -> accepted(fleet).isPresent(), 60_000, () -> "deposit not proven\n" + a.tail(40));
            String pinned = accepted(fleet).orElseThrow();
            await(() -> fleet.storedSerials(GATEWAY).size() == 2, 30_000, () -> "inventory\n" + a.tail(20));
            String account = ownAccount(fleet);
            String directory = fleet.gateway.pebble.directoryUrl().toString();
            FleetImpostor imp = new FleetImpostor(fleet);

            // a sensor's key speaks for the gateway: refused by the envelope check (the certificate is not the
            // gateway's)
            KeyPair stranger = ecKey();
            imp.publish(
                    imp.identity(sensor),
                    "escrow",
                    GATEWAY,
                    Map.of("deposit", imp.deposit(GATEWAY, directory, account, stranger)));
            // the sensor under its own name, claiming the gateway's account: refused at import, the account is pinned
            imp.publish(
                    imp.identity(sensor),
                    "escrow",
                    sensorName,
                    Map.of("deposit", imp.deposit(sensorName, directory, account, stranger)));
            // the gateway's own key, a deposit whose key does not control the claimed account: the CA says no
            imp.publish(
                    imp.identity(GATEWAY),
                    "escrow",
                    GATEWAY,
                    Map.of("deposit", imp.deposit(GATEWAY, directory, account, stranger)));
            Path audit = fleet.authorityRevocation.resolve("audit.log");
            await(
                    () -> read(fleet.authorityLog())
                            .contains("Refused a message on keywarden/" + FleetStage.FLEET + "/escrow/" + GATEWAY),
                    20_000,
                    () -> "sensor-signed deposit not rejected\n" + a.tail(20));
            // (whichever layer refuses it: the envelope's signer check or the vault's pin)
            await(
                    () -> read(fleet.authorityLog())
                                    .contains("Refused a message on keywarden/" + FleetStage.FLEET + "/escrow/"
                                            + sensorName)
                            || incidents(audit, "ESCROW_REFUSED").stream()
                                    .anyMatch(l -> l.contains("pinned to gateway " + GATEWAY)),
                    20_000,
                    () -> "another gateway's account accepted\n" + read(audit));
            await(
                    () -> incidents(audit, "ESCROW_REFUSED").stream()
                            .anyMatch(l -> l.contains("\"gateway\":\"" + GATEWAY + "\"")
                                    && l.contains("does not control account")),
                    20_000,
                    () -> "foreign key accepted\n" + read(audit));
            assertEquals(Optional.of(pinned), accepted(fleet), "the pin changed");

            // the gateway rolls its ACME account key over behind the authority's back
            Session session = new Session(URI.create(directory), new GenericAcmeProvider() {
                @Override
                public HttpClient createHttpClient(NetworkSettings settings) {
                    return HttpClient.newBuilder()
                            .sslContext(fleet.gateway.pebble.sslContext())
                            .build();
                }
            });
            Login login = session.login(new URL(account), imp.accountKey());
            login.getAccount().changeKey(ecKey());
            await(
                    () -> !incidents(audit, "ESCROW_LOCKED_OUT").isEmpty(),
                    15_000,
                    () -> "rollover unnoticed\n" + a.tail(20));
            AuthorityDatabases.assertStateWhereConfigured(fleet, "escrow_deposit", "fleet_log_entry");
        }
    }

    /** The digest of the gateway's deposit the authority accepted (proven at the CA), if any. */
    private static Optional<String> accepted(FleetStage fleet) {
        try {
            return AuthorityDatabases.acceptedDeposit(fleet, GATEWAY);
        } catch (SQLException notThereYet) {
            return Optional.empty();
        }
    }

    private static Set<String> serials(FleetStage fleet) {
        Set<String> out = new TreeSet<>();
        fleet.gateway.state().current().values().forEach(c -> out.add(c.serial()));
        return out;
    }

    /** The account of the gateway's own record, as the issuance log the authority stored records it. */
    private static String ownAccount(FleetStage fleet) {
        for (Map<String, Object> entry : fleet.storedLog(GATEWAY)) {
            if (entry.get("record") instanceof Map<?, ?> m && "GATEWAY".equals(m.get("kind"))) {
                return String.valueOf(m.get("account"));
            }
        }
        throw new AssertionError("no GATEWAY record in the stored log");
    }

    private static List<String> incidents(Path audit, String kind) {
        return read(audit)
                .lines()
                .filter(l -> l.contains("\"INCIDENT\"") && l.contains(kind))
                .toList();
    }

    private static boolean ticketSays(FleetStage fleet, String field, Object value) {
        try {
            return AuthorityDatabases.tickets(fleet).stream().anyMatch(t -> value.equals(t.get(field)));
        } catch (SQLException notThereYet) {
            return false;
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition, long timeoutMillis, Supplier<String> message) {
        Awaitility.await()
                .atMost(Duration.ofMillis(timeoutMillis))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertTrue(condition.getAsBoolean(), message));
    }
}
