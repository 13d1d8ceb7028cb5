package io.keywarden.est.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.testing.sensors.EstSensorClient;
import io.keywarden.testing.sensors.ManufacturerPki;
import io.keywarden.testing.sensors.SensorKeys;

/**
 * The simulator's sensors (testing/sensor-simulator: {@link ManufacturerPki}, {@link EstSensorClient}) bootstrap
 * with an IDevID of their simulated manufacturer or with a code, and rekey with their certificate.
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
}
