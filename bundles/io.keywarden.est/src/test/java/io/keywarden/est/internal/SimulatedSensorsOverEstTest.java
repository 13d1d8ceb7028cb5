package io.keywarden.est.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.testing.sensors.EstSensor;
import io.keywarden.testing.sensors.EstSensorClient;
import io.keywarden.testing.sensors.ManufacturerPki;
import io.keywarden.testing.sensors.SensorKeys;

/**
 * The simulator's sensors (testing/sensor-simulator: {@link ManufacturerPki}, {@link EstSensorClient},
 * {@link EstSensor}) bootstrap with an IDevID of their simulated manufacturer or with a code, and renew or rekey with
 * their certificate.
 */
class SimulatedSensorsOverEstTest {
    @TempDir
    static Path work;

    static EstFixture f;
    static ManufacturerPki pki;

    @BeforeAll
    static void start() throws Exception {
        pki = new ManufacturerPki("Simulated Sensors");
        f = new EstFixture(work, Map.of());
        Map<String, Object> cls = new HashMap<>();
        cls.put("name", "simulated");
        cls.put("devices.pattern", "sim-[0-9]+");
        cls.put("idevid.anchors", pki.rootPem());
        cls.put("dns.names", "{id}" + EstFixture.NAME_SUFFIX);
        f.classes.add(DeviceClassOptions.parse(cls));
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void simulatedSensorsBootstrapWithAnIdevidOrACodeAndRekey() throws Exception {
        EstSensorClient client = new EstSensorClient(f.hostPort(), f.caRoot(), EstFixture.GATEWAY);
        KeyPair k1 = SensorKeys.newKey();
        X509Certificate c1 = client.enrollWithIdevid(pki.issue("sim-1"), k1, EstFixture.name("sim-1"));
        KeyPair k2 = SensorKeys.newKey();
        X509Certificate c2 =
                client.enrollWithCode("sim-2", f.est.create("sim-2", null).getCode(), k2, EstFixture.name("sim-2"));
        assertArrayEquals(k1.getPublic().getEncoded(), c1.getPublicKey().getEncoded());
        assertArrayEquals(k2.getPublic().getEncoded(), c2.getPublicKey().getEncoded());

        KeyPair k3 = SensorKeys.newKey();
        X509Certificate c3 = client.renew(k1, c1, k3, EstFixture.name("sim-1"));
        assertArrayEquals(k3.getPublic().getEncoded(), c3.getPublicKey().getEncoded());
        assertNotEquals(c1.getSerialNumber(), c3.getSerialNumber());
        assertEquals(
                CertificateStatus.SUPERSEDED,
                f.gateway
                        .getBySerial(c1.getSerialNumber().toString(16))
                        .orElseThrow()
                        .getStatus());
        for (X509Certificate c : new X509Certificate[] {c1, c2, c3}) {
            f.assertValidAtCa(c);
            f.assertChainsToRoot(c, f.gateway.getCaCertificates());
        }
    }

    /** What the demo's sensors do: {@link EstSensor} keeps its key and chain, renews and rekeys with its certificate. */
    @Test
    void anEstSensorHoldsItsKeyAndChainAndUsesTheRenewedCertificate() throws Exception {
        EstSensorClient client = new EstSensorClient(f.hostPort(), f.caRoot(), EstFixture.GATEWAY);
        EstSensor byIdevid = new EstSensor("sim-11", EstFixture.name("sim-11"), client);
        EstSensor byCode = new EstSensor("sim-12", EstFixture.name("sim-12"), client);
        EstSensor.Step first = byIdevid.bootstrapWithIdevid(pki.issue("sim-11"));
        byCode.bootstrapWithCode(f.est.create("sim-12", null).getCode());
        assertEquals(EstSensor.Bootstrap.IDEVID, byIdevid.bootstrap());
        assertTrue(byIdevid.credential().contains("SERIALNUMBER=sim-11"), byIdevid.credential());
        assertEquals(EstSensor.Bootstrap.CODE, byCode.bootstrap());
        assertNull(first.serialBefore());
        List<X509Certificate> issuers = f.gateway.getCaCertificates().stream()
                .filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                .toList();
        for (EstSensor s : List.of(byIdevid, byCode)) {
            assertArrayEquals(
                    s.key().getPublic().getEncoded(),
                    s.chain().get(0).getPublicKey().getEncoded());
            assertEquals(issuers, s.chain().subList(1, s.chain().size()), "issuers from cacerts");
            f.assertValidAtCa(s.chain().get(0));
        }

        KeyPair key = byIdevid.key();
        X509Certificate before = byIdevid.chain().get(0);
        EstSensor.Step renewed = byIdevid.renew(false);
        assertEquals(key, byIdevid.key(), "same key");
        assertEquals(before.getSerialNumber().toString(16), renewed.serialBefore());
        assertEquals(byIdevid.chain().get(0).getSerialNumber().toString(16), renewed.serialAfter());
        assertNotEquals(renewed.serialBefore(), renewed.serialAfter());

        EstSensor.Step rekeyed = byCode.renew(true);
        assertTrue(rekeyed.newKey());
        assertArrayEquals(
                byCode.key().getPublic().getEncoded(),
                byCode.chain().get(0).getPublicKey().getEncoded());
        for (EstSensor s : List.of(byIdevid, byCode)) {
            f.assertValidAtCa(s.chain().get(0));
            assertEquals(
                    s.chain().get(0).getSerialNumber().toString(16),
                    f.gateway.getCertificate(s.deviceId()).orElseThrow().getSerial(),
                    "the gateway's current certificate of " + s.deviceId() + " is the one the sensor uses");
        }
    }
}
