package io.keywarden.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.testing.sensors.SensorKeys;

/** The gateway enrolls its sensors as their custodian: some with keys it generates, some with the sensors' own CSRs. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SensorEnrollmentIT extends KeywardenTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Test
    public void fiveSensorsGetCertificatesForTheirNamesAndKeys() throws Exception {
        String gatewayName = "gw-sensors." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gatewayName));
        GatewayEnrollmentService gateway = awaitGatewayService();
        SensorEnrollmentService sensors = awaitSensorService();
        awaitGatewayEnrolled(gateway);
        String custodianAccount = gateway.getAccountUrl().orElseThrow(() -> new AssertionError("no account URL"));

        // sensor-1..3 cannot make keys: the gateway generates and keeps them; sensor-4..5 send CSRs of their own keys
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, KeyPair> sensorHeldKeys = new LinkedHashMap<>();
        Map<String, CompletableFuture<CertificateRecord>> pending = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            String id = "sensor-" + i;
            String dns = "s" + i + "." + gatewayName;
            names.put(id, dns);
            SensorEnrollmentRequest.Builder request =
                    SensorEnrollmentRequest.builder(id).dnsName(dns);
            if (i > 3) {
                KeyPair kp = ecKeyPair();
                sensorHeldKeys.put(id, kp);
                request.csrPem(csrPem(kp, dns));
            }
            // all five are requested before any is awaited: the service runs them concurrently
            pending.put(id, sensors.enroll(request.build()).toCompletableFuture());
        }

        X509Certificate root = ca.root();
        Set<String> serials = new HashSet<>();
        for (Map.Entry<String, CompletableFuture<CertificateRecord>> e : pending.entrySet()) {
            String id = e.getKey();
            String dns = names.get(id);
            CertificateRecord r = e.getValue().get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            X509Certificate leaf = r.getCertificate();
            boolean sensorHeld = sensorHeldKeys.containsKey(id);

            assertEquals(id, r.getDeviceId());
            assertEquals(DeviceKind.SENSOR, r.getKind());
            assertEquals(List.of(dns), r.getIdentifiers());
            assertEquals(id + " SAN", Set.of(dns), dnsNames(leaf));
            assertEquals(id + " custody", sensorHeld ? KeyCustody.DEVICE : KeyCustody.GATEWAY, r.getKeyCustody());
            assertEquals(CertificateStatus.CURRENT, r.getStatus());
            assertEquals(id + " ordered by the gateway's account", custodianAccount, r.getAccountUrl());
            assertEquals(leaf.getSerialNumber().toString(16), r.getSerial());
            assertTrue("distinct serials", serials.add(r.getSerial()));
            assertChainVerifiesTo(r.getChain(), root);
            assertEquals("Valid", ca.certStatus(r.getSerial()));

            if (sensorHeld) {
                assertArrayEquals(
                        id + ": certificate is for the key in the sensor's CSR",
                        sensorHeldKeys.get(id).getPublic().getEncoded(),
                        leaf.getPublicKey().getEncoded());
                assertFalse(
                        id + ": the gateway holds no key for a sensor that made its own",
                        Files.exists(deviceDir(id).resolve("key.pem")));
            } else {
                assertOwnerOnly(deviceDir(id).resolve("key.pem"));
                assertArrayEquals(
                        id + ": certificate is for the key the gateway keeps for it",
                        publicKeyInPem(deviceDir(id).resolve("key.pem")),
                        leaf.getPublicKey().getEncoded());
            }

            // what the service and the events tell afterwards
            assertEquals(
                    r.getSerial(),
                    sensors.getCertificate(id).map(CertificateRecord::getSerial).orElse(null));
            assertEquals(EnrollmentState.ENROLLED, sensors.getStatus(id).getState());
            assertEquals(
                    r.getSerial(),
                    events.await(
                                    EnrollmentEvents.TOPIC_ENROLLED,
                                    ev -> id.equals(ev.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID)),
                                    Duration.ofSeconds(10))
                            .getProperty(EnrollmentEvents.PROPERTY_SERIAL));
        }
        assertEquals(Set.copyOf(names.keySet()), Set.copyOf(sensors.getDeviceIds()));

        // asking again for the same sensor with the same request returns its certificate, no new order
        CertificateRecord again = sensors.enroll(SensorEnrollmentRequest.builder("sensor-1")
                        .dnsName(names.get("sensor-1"))
                        .build())
                .toCompletableFuture()
                .get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(sensors.getCertificate("sensor-1").get().getSerial(), again.getSerial());
    }

    private static KeyPair ecKeyPair() {
        return SensorKeys.newKey();
    }

    /** What a sensor would send: a PKCS#10 request for its own key with its DNS name as subjectAltName. */
    private static String csrPem(KeyPair kp, String dnsName) {
        return SensorKeys.csrPem(kp, List.of(dnsName));
    }
}
