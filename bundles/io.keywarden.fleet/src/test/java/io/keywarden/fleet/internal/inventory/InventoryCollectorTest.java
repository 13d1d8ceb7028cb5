package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestCa;

/** What the authority accepts from a gateway over MQTT, and everything it refuses (with nothing stored). */
class InventoryCollectorTest {
    private static final String GW = "gw-1.fleet.test";
    private static final String ACCOUNT = "https://ca.test/acct/1";
    private static final String DEPOSIT = "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d";

    @TempDir
    Path dir;

    private TestCa ca;
    private Device gateway;
    private Device sensor;
    private final List<GatewayInventory> served = new ArrayList<>();
    private final List<String> rejections = new ArrayList<>();
    private InventoryCollector collector;

    @BeforeEach
    void setUp() throws Exception {
        ca = TestCa.root("fleet CA");
        gateway = Device.issue(ca, GW, GW);
        sensor = Device.issue(ca, "sensor-1", "sensor-1.fleet.test");
        collector = collector();
    }

    private InventoryCollector collector() throws Exception {
        Path roots = dir.resolve("roots.pem");
        Files.writeString(roots, Pem.encode("CERTIFICATE", ca.certificate().getEncoded()));
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1883");
        p.put("fleet.id", "f");
        p.put("notices.apply", "false");
        p.put("inventory.collect", "true");
        p.put("inventory.ca.roots", roots.toString());
        p.put("escrow.deposit.dir", dir.resolve("deposits").toString());
        p.put("data.dir", dir.resolve("data").toString());
        return new InventoryCollector(
                FleetOptions.parse(p, null),
                Clock.systemUTC(),
                (topic, props) -> {
                    if (FleetEvents.TOPIC_INVENTORY_REJECTED.equals(topic)) {
                        rejections.add(String.valueOf(props.get(FleetEvents.PROPERTY_ERROR)));
                    }
                },
                served::add);
    }

    private static byte[] inventory(Device signer, Instant iat, List<CertificateRecord> records) {
        return GatewayEnvelope.sign(
                        GatewayEnvelope.TYPE_INVENTORY,
                        GW,
                        iat.toEpochMilli(),
                        Map.of(
                                "records",
                                records.stream().map(RecordCodec::toJson).toList()),
                        signer.entry())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private List<CertificateRecord> ownRecords() {
        return List.of(gateway.record(DeviceKind.GATEWAY, ACCOUNT), sensor.record(DeviceKind.SENSOR, ACCOUNT));
    }

    private Path stored() {
        return dir.resolve("data/inventories/" + GW + ".jws");
    }

    @Test
    void aGatewaysOwnSignedInventoryIsServedAndSurvivesARestart() throws Exception {
        collector.inventory("t", GW, inventory(gateway, Instant.now(), ownRecords()));
        assertEquals(List.of(), rejections);
        assertEquals(1, served.size());
        assertEquals(GW, served.get(0).gatewayId());
        assertEquals(
                sensor.serial(),
                served.get(0).getBySerial(sensor.serial()).orElseThrow().getSerial());
        assertEquals(ACCOUNT, served.get(0).getByDevice("sensor-1").get(0).getAccountUrl());
        assertEquals(
                sensor.chain().get(0),
                served.get(0).getByDevice("sensor-1").get(0).getCertificate());

        served.clear();
        collector().load();
        assertEquals(1, served.size());
        assertEquals(2, served.get(0).getAll().size());
    }

    @Test
    void aCertificateForAnotherNameCannotSpeakForTheGateway() throws Exception {
        Device other = Device.issue(ca, "gw-2.fleet.test", "gw-2.fleet.test");
        collector.inventory("t", GW, inventory(other, Instant.now(), ownRecords()));
        assertRejected("not for gateway " + GW);
    }

    @Test
    void aChainToAnotherCaIsRefused() throws Exception {
        Device foreign = Device.issue(TestCa.root("intruder CA"), GW, GW);
        collector.inventory(
                "t", GW, inventory(foreign, Instant.now(), List.of(foreign.record(DeviceKind.GATEWAY, ACCOUNT))));
        assertRejected("does not lead to a trusted CA root");
    }

    @Test
    void aTamperedMessageIsRefused() throws Exception {
        String jws = new String(inventory(gateway, Instant.now(), ownRecords()), StandardCharsets.US_ASCII);
        String[] parts = jws.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(ACCOUNT, "https://ca.test/acct/2");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        collector.inventory("t", GW, forged.getBytes(StandardCharsets.US_ASCII));
        assertRejected("signature does not verify");
    }

    @Test
    void aSensorOrderedByAnotherAccountIsRefused() throws Exception {
        collector.inventory(
                "t",
                GW,
                inventory(
                        gateway,
                        Instant.now(),
                        List.of(
                                gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                                sensor.record(DeviceKind.SENSOR, "https://ca.test/acct/other"))));
        assertRejected("not by the gateway's account");
    }

    @Test
    void anotherGatewayListedAsItselfIsRefused() throws Exception {
        Device other = Device.issue(ca, "gw-2.fleet.test", "gw-2.fleet.test");
        collector.inventory(
                "t",
                GW,
                inventory(
                        gateway,
                        Instant.now(),
                        List.of(
                                gateway.record(DeviceKind.GATEWAY, ACCOUNT),
                                other.record(DeviceKind.GATEWAY, ACCOUNT))));
        assertRejected("lists gateway gw-2.fleet.test");
    }

    @Test
    void aRecordWhoseCertificateIsNotItsOwnIsRefused() throws Exception {
        CertificateRecord lying = sensor.record(DeviceKind.SENSOR, ACCOUNT).toBuilder()
                .serial("abc")
                .build();
        collector.inventory(
                "t",
                GW,
                inventory(gateway, Instant.now(), List.of(gateway.record(DeviceKind.GATEWAY, ACCOUNT), lying)));
        assertRejected("carries certificate");
    }

    @Test
    void anOlderInventoryIsAReplayAndChangesNothing() throws Exception {
        Instant now = Instant.now();
        collector.inventory("t", GW, inventory(gateway, now, ownRecords()));
        byte[] before = Files.readAllBytes(stored());
        collector.inventory(
                "t",
                GW,
                inventory(gateway, now.minusSeconds(10), List.of(gateway.record(DeviceKind.GATEWAY, ACCOUNT))));
        assertRejected("a replay");
        assertEquals(2, served.get(0).getAll().size());
        assertTrue(Arrays.equals(before, Files.readAllBytes(stored())));
    }

    @Test
    void aNewerInventorySignedInTheSameSecondReplacesTheStoredOne() throws Exception {
        Instant t = Instant.ofEpochSecond(Instant.now().getEpochSecond());
        collector.inventory("t", GW, inventory(gateway, t, List.of(gateway.record(DeviceKind.GATEWAY, ACCOUNT))));
        collector.inventory("t", GW, inventory(gateway, t.plusMillis(300), ownRecords()));
        assertEquals(List.of(), rejections);
        assertEquals(2, served.get(0).getAll().size());
    }

    @Test
    void anAccountBelongsToOneGatewayOnly() throws Exception {
        collector.inventory("t", GW, inventory(gateway, Instant.now(), ownRecords()));
        Device second = Device.issue(ca, "gw-2.fleet.test", "gw-2.fleet.test");
        byte[] claim = GatewayEnvelope.sign(
                        GatewayEnvelope.TYPE_INVENTORY,
                        "gw-2.fleet.test",
                        System.currentTimeMillis(),
                        Map.of("records", List.of(RecordCodec.toJson(second.record(DeviceKind.GATEWAY, ACCOUNT)))),
                        second.entry())
                .getBytes(StandardCharsets.US_ASCII);
        collector.inventory("t", "gw-2.fleet.test", claim);
        assertEquals(1, rejections.size());
        assertTrue(rejections.get(0).contains("belongs to gateway " + GW), rejections.toString());
        assertEquals(1, served.size());
    }

    @Test
    void aCertificateBelongsToOneGatewayOnly() throws Exception {
        collector.inventory("t", GW, inventory(gateway, Instant.now(), ownRecords()));
        Device second = Device.issue(ca, "gw-2.fleet.test", "gw-2.fleet.test");
        String account2 = "https://ca.test/acct/2";
        // the first gateway's sensor, re-labelled as ordered by the second gateway's account
        CertificateRecord stolen = sensor.record(DeviceKind.SENSOR, account2);
        byte[] claim = GatewayEnvelope.sign(
                        GatewayEnvelope.TYPE_INVENTORY,
                        "gw-2.fleet.test",
                        System.currentTimeMillis(),
                        Map.of(
                                "records",
                                List.of(
                                        RecordCodec.toJson(second.record(DeviceKind.GATEWAY, account2)),
                                        RecordCodec.toJson(stolen))),
                        second.entry())
                .getBytes(StandardCharsets.US_ASCII);
        collector.inventory("t", "gw-2.fleet.test", claim);
        assertEquals(1, rejections.size());
        assertTrue(rejections.get(0).contains("is listed by gateway " + GW), rejections.toString());
        assertEquals(1, served.size());
    }

    @Test
    void anEscrowDepositSignedByTheGatewayLandsInTheDepositDirectory() throws Exception {
        collector.escrow("t", GW, escrow(gateway, DEPOSIT));
        assertEquals(DEPOSIT, Files.readString(dir.resolve("deposits/" + GW + ".escrow.jwe")));

        collector.escrow("t", GW, escrow(Device.issue(ca, "x", "gw-2.fleet.test"), DEPOSIT.replace("a.b", "x.y")));
        assertRejected("not for gateway");
        collector.escrow("t", GW, escrow(gateway, "not-a-jwe"));
        assertEquals(2, rejections.size());
        assertEquals(DEPOSIT, Files.readString(dir.resolve("deposits/" + GW + ".escrow.jwe")));
    }

    private static byte[] escrow(Device signer, String deposit) {
        return GatewayEnvelope.sign(
                        GatewayEnvelope.TYPE_ESCROW,
                        GW,
                        System.currentTimeMillis(),
                        Map.of("deposit", deposit),
                        signer.entry())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void assertRejected(String why) {
        assertFalse(rejections.isEmpty(), "not rejected");
        assertTrue(rejections.get(rejections.size() - 1).contains(why), rejections.toString());
        if (served.isEmpty()) {
            assertFalse(Files.exists(stored()), "a rejected inventory was stored");
        }
    }
}
