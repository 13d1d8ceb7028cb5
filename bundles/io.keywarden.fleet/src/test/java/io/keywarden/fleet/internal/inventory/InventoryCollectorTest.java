package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.JdbcLogStore;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.log.TestStores;
import io.keywarden.testing.pki.TestCa;

/**
 * What the authority believes of a gateway's signed issuance log, and everything it refuses (with nothing stored); on
 * each database the log store runs on ({@link InventoryCollectorH2Test}, {@link InventoryCollectorPostgresTest}).
 */
abstract class InventoryCollectorTest {
    private static final TestStores STORES = new TestStores();
    private static final String GW = "gw-1.fleet.test";
    private static final String GW2 = "gw-2.fleet.test";
    private static final String ACCOUNT = "https://ca.test/acct/1";
    private static final String DEPOSIT = "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d";

    @TempDir
    Path dir;

    private TestCa ca;
    private Device gateway;
    private Device sensor;
    private final List<GatewayInventory> served = new ArrayList<>();
    private final List<String> rejections = new ArrayList<>();
    private final List<String> incidents = new ArrayList<>();
    private final List<LogAck> acks = new ArrayList<>();
    private final Set<String> denied = new HashSet<>();
    /** Moves past the refusals' rate limit at every look, so each refusal of a test is reported. */
    private final Clock clock = new Clock() {
        private Instant now = Instant.now();

        @Override
        public synchronized Instant instant() {
            now = now.plus(Refusals.PERIOD).plusSeconds(1);
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };

    private InventoryCollector collector;
    private JdbcLogStore store;

    abstract TestStores.Kind kind();

    @AfterAll
    static void closeStores() {
        STORES.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        store = STORES.store(kind(), dir);
        ca = TestCa.root("fleet CA");
        gateway = Device.issue(ca, GW, GW);
        sensor = Device.issue(ca, "sensor-1", "sensor-1.fleet.test");
        collector = collector();
    }

    private InventoryCollector collector() throws Exception {
        Map<String, Object> p = CollectorOptions.of(ca, dir);
        InventoryCollector c = new InventoryCollector(
                FleetOptions.parse(p, null),
                store,
                clock,
                (topic, props) -> {
                    if (FleetEvents.TOPIC_INVENTORY_REJECTED.equals(topic)) {
                        rejections.add(String.valueOf(props.get(FleetEvents.PROPERTY_ERROR)));
                    } else if (FleetEvents.TOPIC_LOG_INCIDENT.equals(topic)) {
                        incidents.add(props.get(FleetEvents.PROPERTY_INCIDENT) + " at "
                                + props.get(FleetEvents.PROPERTY_SEQUENCE));
                    }
                },
                served::add,
                denied::contains,
                (gatewayId, ack) -> acks.add(ack));
        c.load();
        return c;
    }

    /** A gateway's log as it writes it: entries chained from the genesis, one per record. */
    static List<IssuanceEvent> chain(String gatewayId, List<CertificateRecord> records) {
        List<IssuanceEvent> out = new ArrayList<>();
        String prev = IssuanceEvent.GENESIS;
        for (CertificateRecord r : records) {
            IssuanceEvent e = IssuanceEvent.create(gatewayId, out.size() + 1, prev, 1_700_000_000L, r);
            out.add(e);
            prev = e.hash();
        }
        return out;
    }

    /** The entries signed by {@code signer}, one compact JWS per line, as a gateway publishes a batch. */
    static byte[] batch(Device signer, List<IssuanceEvent> entries) {
        return entries.stream()
                .map(e -> GatewayEnvelope.signPayload(e.payload(), signer.entry()))
                .collect(Collectors.joining("\n"))
                .getBytes(StandardCharsets.US_ASCII);
    }

    private List<IssuanceEvent> ownLog() {
        return chain(
                GW, List.of(gateway.record(DeviceKind.GATEWAY, ACCOUNT), sensor.record(DeviceKind.SENSOR, ACCOUNT)));
    }

    private List<String> servedSerials() {
        return served.get(0).getAll().stream().map(CertificateRecord::getSerial).toList();
    }

    @Test
    void aGatewaysOwnSignedLogIsServedAcknowledgedAndSurvivesARestart() throws Exception {
        List<IssuanceEvent> log = ownLog();
        collector.log("t", GW, batch(gateway, log));
        assertEquals(List.of(), rejections);
        assertEquals(1, served.size());
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());
        assertEquals(ACCOUNT, served.get(0).getByDevice("sensor-1").get(0).getAccountUrl());
        assertEquals(new LogAck(GW, 2, log.get(1).hash(), false), acks.get(acks.size() - 1));

        collector.log("t", GW, batch(gateway, log));
        assertEquals(List.of(), incidents, "the same entries again (a resend) are no incident");
        assertEquals(List.of(), rejections);
        assertEquals(2, served.get(0).getAll().size(), "nothing is counted twice");

        served.clear();
        collector();
        assertEquals(1, served.size());
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());
    }

    @Test
    void entriesStoredAlreadyAreAcknowledgedWithoutVerifyingThemAgainButAForkIsStillVerified() throws Exception {
        List<IssuanceEvent> log = ownLog();
        collector.log("t", GW, batch(gateway, log));
        // the same payloads under a signature nobody checks again: their hashes are the stored entries' hashes
        collector.log("t", GW, withBrokenSignatures(batch(gateway, log)));
        assertEquals(List.of(), rejections, "not verified again");
        assertEquals(List.of(), incidents);
        assertEquals(new LogAck(GW, 2, log.get(1).hash(), false), acks.get(acks.size() - 1));

        List<IssuanceEvent> fork = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        Device.issue(ca, "sensor-x", "x.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, withBrokenSignatures(batch(gateway, fork)));
        assertRejected("signature does not verify");
        assertEquals(List.of(), incidents, "an unverified fork is no incident");
        collector.log("t", GW, batch(gateway, fork));
        assertEquals(List.of("FORK at 2"), incidents, "entry 1 is skipped unverified, entry 2 verified and judged");
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());
    }

    private static byte[] withBrokenSignatures(byte[] batch) {
        return new String(batch, StandardCharsets.US_ASCII)
                .lines()
                .map(jws -> jws.substring(0, jws.lastIndexOf('.') + 1) + "AAAA")
                .collect(Collectors.joining("\n"))
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aReportSignedByAnotherGatewaysCertificateIsRefused() throws Exception {
        Device other = Device.issue(ca, GW2, GW2);
        collector.log("t", GW, batch(other, ownLog()));
        assertRejected("not for gateway " + GW);
        assertEquals(List.of(), served);
    }

    @Test
    void aReportSignedByASensorsCertificateIsRefusedEvenIfItNamesTheGateway() throws Exception {
        Device namedLikeTheGateway = Device.issue(ca, "sensor-9", GW);
        List<IssuanceEvent> log = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        namedLikeTheGateway.record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-2", "s2.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(gateway, log.subList(0, 3)));
        assertEquals(List.of(), rejections);

        collector.log("t", GW, batch(namedLikeTheGateway, log.subList(3, 4)));
        assertRejected("the SENSOR certificate of sensor-9");
        collector.log("t", GW, batch(sensor, log.subList(3, 4)));
        assertRejected("not for gateway " + GW);
        collector.escrow("t", GW, escrow(namedLikeTheGateway, DEPOSIT));
        assertRejected("the SENSOR certificate of sensor-9");
        assertFalse(Files.exists(dir.resolve("deposits/" + GW + ".escrow.jwe")));
        assertEquals(3, served.get(0).getAll().size());
    }

    @Test
    void aCertificateNamingTheGatewayThatTheLogDoesNotRecordCannotSpeakForIt() throws Exception {
        collector.log("t", GW, batch(gateway, ownLog()));
        Device stranger = Device.issue(ca, GW, GW);
        List<IssuanceEvent> next = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-2", "s2.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(stranger, next.subList(2, 3)));
        assertRejected("not a GATEWAY certificate of " + GW);
        // a renewed gateway certificate introduces itself in the entry that records it, ordered by the same account
        List<IssuanceEvent> renewal = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        stranger.record(DeviceKind.GATEWAY, "https://ca.test/acct/elsewhere")));
        collector.log("t", GW, batch(stranger, renewal.subList(2, 3)));
        assertRejected("not a GATEWAY certificate of " + GW);
        List<IssuanceEvent> honest = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        stranger.record(DeviceKind.GATEWAY, ACCOUNT)));
        collector.log("t", GW, batch(stranger, honest.subList(2, 3)));
        assertEquals(3, served.get(0).getAll().size());
    }

    /** Issue 13, test 4. */
    @Test
    void aRevokedGatewaysLaterReportsAreRefused() throws Exception {
        List<IssuanceEvent> log = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-2", "s2.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(gateway, log.subList(0, 2)));
        denied.add(gateway.serial());
        collector.log("t", GW, batch(gateway, log.subList(2, 3)));
        assertRejected("a deny list names");
        collector.escrow("t", GW, escrow(gateway, DEPOSIT));
        assertRejected("a deny list names");
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());
    }

    @Test
    void aFrozenGatewayCannotChangeItsRecordedStateAlsoAfterARestart() throws Exception {
        List<IssuanceEvent> log = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-2", "s2.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(gateway, log.subList(0, 2)));
        collector.compromised(GW);
        collector.log("t", GW, batch(gateway, log.subList(2, 3)));
        assertRejected("frozen");
        collector.escrow("t", GW, escrow(gateway, DEPOSIT));
        assertRejected("frozen");
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());

        served.clear();
        InventoryCollector restarted = collector();
        restarted.log("t", GW, batch(gateway, log.subList(2, 3)));
        assertRejected("frozen");
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials(), "the recorded state is kept");
    }

    @Test
    void aGatewayAnotherInstanceAcceptedIsServedHereTooOnce() throws Exception {
        InventoryCollector other = collector(); // a second authority instance on the same database
        collector.log("t", GW, batch(gateway, ownLog()));
        assertEquals(1, served.size());
        other.serveNewGateways();
        other.serveNewGateways();
        assertEquals(2, served.size(), "registered by the other instance, once");
        assertEquals(GW, served.get(1).gatewayId());
        assertEquals(
                List.of(gateway.serial(), sensor.serial()),
                served.get(1).getAll().stream()
                        .map(CertificateRecord::getSerial)
                        .toList());
    }

    @Test
    void aGapIsAnIncidentAndAsksForTheMissingEntries() throws Exception {
        List<IssuanceEvent> log = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        sensor.record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-2", "s2.fleet.test").record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-3", "s3.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(gateway, log.subList(0, 2)));
        collector.log("t", GW, batch(gateway, log.subList(3, 4)));
        assertEquals(List.of("GAP at 4"), incidents);
        assertEquals(new LogAck(GW, 2, log.get(1).hash(), true), acks.get(acks.size() - 1));
        assertEquals(2, served.get(0).getAll().size());
        assertEquals(1, collector.count(InventoryCollector.GAP));

        collector.log("t", GW, batch(gateway, log.subList(2, 4)));
        assertEquals(4, served.get(0).getAll().size(), "the resent entries close the gap");
    }

    @Test
    void aForkIsAnIncidentAndChangesNothing() throws Exception {
        collector.log("t", GW, batch(gateway, ownLog()));
        // another entry 2: the gateway claims a different second certificate
        List<IssuanceEvent> fork = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        Device.issue(ca, "sensor-x", "x.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(gateway, fork.subList(1, 2)));
        assertEquals(List.of("FORK at 2"), incidents);
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());
    }

    @Test
    void aRewriteIsAnIncidentAndChangesNothing() throws Exception {
        collector.log("t", GW, batch(gateway, ownLog()));
        // entry 3 chained to a history where entry 2 was something else
        List<IssuanceEvent> rewritten = chain(
                GW,
                List.of(
                        gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                        Device.issue(ca, "sensor-x", "x.fleet.test").record(DeviceKind.SENSOR, ACCOUNT),
                        Device.issue(ca, "sensor-y", "y.fleet.test").record(DeviceKind.SENSOR, ACCOUNT)));
        collector.log("t", GW, batch(gateway, rewritten.subList(2, 3)));
        assertEquals(List.of("REWRITE at 3"), incidents);
        assertEquals(List.of(gateway.serial(), sensor.serial()), servedSerials());
    }

    @Test
    void aTamperedEntryIsRefused() throws Exception {
        String jws = new String(batch(gateway, ownLog().subList(0, 1)), StandardCharsets.US_ASCII);
        String[] parts = jws.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(ACCOUNT, "https://ca.test/acct/2");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        collector.log("t", GW, forged.getBytes(StandardCharsets.US_ASCII));
        assertRejected("signature does not verify");
        assertEquals(List.of(), served);
    }

    @Test
    void recordsTheGatewayCannotSpeakForAreRefused() throws Exception {
        Device other = Device.issue(ca, GW2, GW2);
        CertificateRecord lying = sensor.record(DeviceKind.SENSOR, ACCOUNT).toBuilder()
                .serial("abc")
                .build();
        for (CertificateRecord bad : List.of(
                sensor.record(DeviceKind.SENSOR, "https://ca.test/acct/other"),
                other.record(DeviceKind.GATEWAY, ACCOUNT),
                lying)) {
            collector.log(
                    "t", GW, batch(gateway, chain(GW, List.of(gateway.record(DeviceKind.GATEWAY, ACCOUNT), bad))));
        }
        assertEquals(3, rejections.size(), rejections.toString());
        assertTrue(rejections.get(0).contains("not by the gateway's account"), rejections.toString());
        assertTrue(rejections.get(1).contains("records gateway " + GW2), rejections.toString());
        assertTrue(rejections.get(2).contains("carries certificate"), rejections.toString());
        assertEquals(List.of(gateway.serial()), servedSerials(), "the entries before the bad one stand");
    }

    @Test
    void anAccountAndACertificateBelongToOneGatewayOnly() throws Exception {
        collector.log("t", GW, batch(gateway, ownLog()));
        Device second = Device.issue(ca, GW2, GW2);
        collector.log("t", GW2, batch(second, chain(GW2, List.of(second.record(DeviceKind.GATEWAY, ACCOUNT)))));
        assertRejected("belongs to gateway " + GW);
        String account2 = "https://ca.test/acct/2";
        collector.log(
                "t",
                GW2,
                batch(
                        second,
                        chain(
                                GW2,
                                List.of(
                                        second.record(DeviceKind.GATEWAY, account2),
                                        sensor.record(DeviceKind.SENSOR, account2)))));
        assertRejected("is recorded by gateway " + GW);
        assertEquals(1, served.get(1).getAll().size());
    }

    @Test
    void anEscrowDepositSignedByTheGatewayLandsInTheDepositDirectoryOnceItsLogIsKnown() throws Exception {
        collector.escrow("t", GW, escrow(gateway, DEPOSIT));
        assertFalse(Files.exists(dir.resolve("deposits/" + GW + ".escrow.jwe")), "waits for the log");
        collector.log("t", GW, batch(gateway, ownLog()));
        assertEquals(DEPOSIT, Files.readString(dir.resolve("deposits/" + GW + ".escrow.jwe")));

        collector.escrow("t", GW, escrow(Device.issue(ca, "x", GW2), DEPOSIT.replace("a.b", "x.y")));
        assertRejected("not for gateway");
        collector.escrow("t", GW, escrow(gateway, "not-a-jwe"));
        assertRejected("not a compact JWE");
        assertEquals(DEPOSIT, Files.readString(dir.resolve("deposits/" + GW + ".escrow.jwe")));
    }

    @Test
    void aSensorsDepositUnderItsOwnNameIsRefusedAtOnceNotKeptWaitingForALog() throws Exception {
        collector.log("t", GW, batch(gateway, ownLog()));
        String name = "sensor-1.fleet.test";
        collector.escrow("t", name, escrow(sensor, name, DEPOSIT));
        assertRejected("the SENSOR certificate of sensor-1 on gateway " + GW);
        // an unknown gateway's deposit still waits for that gateway's first log entries
        Device second = Device.issue(ca, GW2, GW2);
        collector.escrow("t", GW2, escrow(second, GW2, DEPOSIT));
        assertFalse(Files.exists(dir.resolve("deposits/" + GW2 + ".escrow.jwe")), "waits for the log");
        collector.log(
                "t",
                GW2,
                batch(second, chain(GW2, List.of(second.record(DeviceKind.GATEWAY, "https://ca.test/acct/2")))));
        assertEquals(DEPOSIT, Files.readString(dir.resolve("deposits/" + GW2 + ".escrow.jwe")));
        assertFalse(Files.exists(dir.resolve("deposits/" + name + ".escrow.jwe")));
    }

    @Test
    void refusalsAreRateLimitedAndCounted() {
        List<Map<String, ?>> posted = new ArrayList<>();
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        Clock[] now = {Clock.fixed(t0, ZoneId.of("UTC"))};
        Clock moving = new Clock() {
            @Override
            public Instant instant() {
                return now[0].instant();
            }

            @Override
            public ZoneId getZone() {
                return ZoneId.of("UTC");
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        Refusals r = new Refusals(moving, (topic, p) -> posted.add(p));
        for (int i = 0; i < Refusals.BURST + 3; i++) {
            r.refused("t", GW, "bad " + i);
        }
        r.refused("t", GW2, "another gateway is reported on its own");
        assertEquals(Refusals.BURST + 1, posted.size());
        now[0] = Clock.fixed(t0.plus(Refusals.PERIOD), ZoneId.of("UTC"));
        r.refused("t", GW, "later");
        assertEquals(Refusals.BURST + 2, posted.size());
        Map<String, ?> later = posted.get(posted.size() - 1);
        assertEquals(3L, later.get(FleetEvents.PROPERTY_SUPPRESSED));
        assertEquals(Refusals.BURST + 5L, later.get(FleetEvents.PROPERTY_COUNT));
        assertEquals(Refusals.BURST + 5, r.count("refused"));
    }

    private static byte[] escrow(Device signer, String deposit) {
        return escrow(signer, GW, deposit);
    }

    private static byte[] escrow(Device signer, String gatewayId, String deposit) {
        return GatewayEnvelope.sign(
                        GatewayEnvelope.TYPE_ESCROW,
                        gatewayId,
                        System.currentTimeMillis(),
                        Map.of("deposit", deposit),
                        signer.entry())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void assertRejected(String why) {
        assertFalse(rejections.isEmpty(), "not rejected");
        assertTrue(rejections.get(rejections.size() - 1).contains(why), rejections.toString());
    }
}
