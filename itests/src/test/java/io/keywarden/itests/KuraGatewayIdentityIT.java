package io.keywarden.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.certificate.enrollment.EnrollmentService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.JsonWebSignature;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.testing.sensors.ChannelClient;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.SensorKeys;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * On Kura the gateway key lives in Kura's keystore (gateway.key.source=external, Keywarden's EnrollmentService
 * enrolls it with a CSR), yet the gateway's identity still serves: the monitor's sensor channel presents the
 * certificate Kura's keystore holds and a sensor reports over mutual TLS, and the fleet inventory goes out signed with
 * that key, also after a rekey. Real Pebble with http-01, real Mosquitto, Kura's services as hand-written stand-ins.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KuraGatewayIdentityIT extends MonitorTestSupport {
    private static final String ALIAS = "gw-tls";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);
    private final List<Configuration> configs = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();
    private ServiceRegistration<KeystoreService> keystoreRegistration;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return OptionUtils.combine(KeywardenOptions.kuraOptions(), TestBroker.options());
    }

    @After
    public void removeKuraAndFleet() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        for (Configuration c : configs) {
            c.delete();
        }
        awaitTrue("EnrollmentService gone", SERVICE_TIMEOUT, () -> !isRegistered(EnrollmentService.class));
        if (keystoreRegistration != null) {
            keystoreRegistration.unregister();
        }
    }

    private void configure(String pid, Map<String, Object> properties) throws Exception {
        Configuration c = configAdmin.getConfiguration(pid, "?");
        c.update(new Hashtable<>(properties));
        configs.add(c);
    }

    @Test
    public void sensorChannelAndFleetInventoryUseTheGatewayKeyInKurasKeystore() throws Exception {
        String gw = "gw-kura-identity." + framework() + ".keywarden.example";
        String fleetId = "fleet-" + Long.toHexString(System.nanoTime());
        BlockingQueue<String> inventories = subscribe("keywarden/" + fleetId + "/log/" + gw);

        Hashtable<String, Object> gatewayConfig = gatewayConfig(ca, gw);
        gatewayConfig.put("gateway.key.source", "external");
        applyConfig(gatewayConfig);
        FakeKuraKeystore keystore = new FakeKuraKeystore(context, "TestKeystore");
        Hashtable<String, Object> kp = new Hashtable<>();
        kp.put("kura.service.pid", "TestKeystore");
        keystoreRegistration = context.registerService(KeystoreService.class, keystore, kp);
        configure(
                "io.keywarden.kura.enrollment",
                Map.of(
                        "keystore.alias",
                        ALIAS,
                        "KeystoreService.target",
                        "(kura.service.pid=TestKeystore)",
                        "key.type",
                        "EC_P256"));
        configure(
                "io.keywarden.fleet",
                Map.of(
                        "mqtt.broker.url",
                        System.getProperty(TestBroker.MQTT_URL),
                        "fleet.id",
                        fleetId,
                        "notices.apply",
                        false,
                        "inventory.publish",
                        true,
                        "data.dir",
                        dataDir.resolve("fleet").toString()));
        EnrollmentService enrollment = awaitService(EnrollmentService.class);
        GatewayEnrollmentService gateway = awaitGatewayService();
        // the channel is up before the gateway has a certificate, as on a Kura that starts Keywarden before enrolling
        DeviceMonitor monitor = startMonitor(Map.of());
        startRevocation(monitor, gw); // the channel admits no one without a deny list
        assertTrue("no identity before enrollment", gateway.getTlsIdentity().isEmpty());

        enrollment.enroll();
        KeyStore.PrivateKeyEntry kura = (KeyStore.PrivateKeyEntry) keystore.getEntry(ALIAS);
        X509Certificate gatewayCert = (X509Certificate) kura.getCertificate();
        assertEquals(gateway.getCertificate().orElseThrow().getCertificate(), gatewayCert);
        KeyStore.PrivateKeyEntry identity = await(
                "the keystore's key as the gateway's TLS identity",
                WAIT,
                () -> gateway.getTlsIdentity().orElse(null));
        assertEquals(gatewayCert, identity.getCertificate());
        assertArrayEquals(
                kura.getPrivateKey().getEncoded(), identity.getPrivateKey().getEncoded());

        // a sensor enrolled with its own CSR reports over mutual TLS; the channel shows it the keystore's certificate
        String sensorId = "sensor-1";
        String dns = sensorId + "." + gw;
        KeyPair sensorKey = SensorKeys.newKey();
        CertificateRecord sensorRecord = awaitSensorService()
                .enroll(SensorEnrollmentRequest.builder(sensorId)
                        .dnsName(dns)
                        .csrPem(SensorKeys.csrPem(sensorKey, List.of(dns)))
                        .build())
                .toCompletableFuture()
                .get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try (SimulatedSensor sensor = sensor(sensorId, sensorKey, sensorRecord, monitor)) {
            ChannelClient.Result r = sensor.report();
            assertEquals(r.toString(), 202, r.status());
            assertEquals(gatewayCert, sensor.client().serverCertificate().orElseThrow());
        }

        // the gateway's issuance log is signed with that key (x5c = the keystore's chain) and records the sensor
        Map<String, Object> entry = awaitInventorySignedBy(inventories, gatewayCert, sensorRecord.getSerial());
        assertEquals(gw, entry.get("gateway"));

        // rekey in Kura: the channel and the next inventory move to the new key and certificate
        enrollment.rekey();
        X509Certificate rekeyed =
                (X509Certificate) ((KeyStore.PrivateKeyEntry) keystore.getEntry(ALIAS)).getCertificate();
        assertFalse(Arrays.equals(
                gatewayCert.getPublicKey().getEncoded(), rekeyed.getPublicKey().getEncoded()));
        await("the channel presents the rekeyed certificate", WAIT, () -> {
            // a fresh client each time: a resumed TLS session would show the certificate of its first handshake
            try (SimulatedSensor s = sensor(sensorId, sensorKey, sensorRecord, monitor)) {
                ChannelClient.Result r = s.report();
                return r.status() == 202
                                && rekeyed.equals(s.client().serverCertificate().orElse(null))
                        ? r
                        : null;
            }
        });
        // the entry recording the rekeyed certificate goes out signed with the new key
        awaitInventorySignedBy(inventories, rekeyed, rekeyed.getSerialNumber().toString(16));
    }

    private SimulatedSensor sensor(String id, KeyPair key, CertificateRecord record, DeviceMonitor monitor) {
        return new SimulatedSensor(
                id,
                key,
                record.getChain(),
                Profile.WELL_BEHAVED,
                monitor.getChannelAddress().orElseThrow(),
                List.of(ca.root()));
    }

    private BlockingQueue<String> subscribe(String topic) throws Exception {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        MqttClient c = new MqttClient(
                System.getProperty(TestBroker.MQTT_URL), "kura-identity-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        clients.add(c);
        c.subscribe(topic, 1, (t, m) -> q.add(new String(m.getPayload(), StandardCharsets.US_ASCII)));
        return q;
    }

    /** The first log entry signed with {@code signer}'s key, carrying it as x5c and recording {@code serial}. */
    private static Map<String, Object> awaitInventorySignedBy(
            BlockingQueue<String> inventories, X509Certificate signer, String serial) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String message = inventories.poll(250, TimeUnit.MILLISECONDS);
            if (message == null) {
                continue;
            }
            // one compact JWS per entry, a line each
            for (String line : message.split("\n")) {
                JsonWebSignature jws = new JsonWebSignature();
                jws.setCompactSerialization(line);
                X509Certificate leaf = jws.getCertificateChainHeaderValue().get(0);
                seen.add(leaf.getSerialNumber().toString(16));
                jws.setKey(signer.getPublicKey());
                if (leaf.equals(signer)
                        && jws.verifySignature()
                        && jws.getPayload().contains("\"" + serial + "\"")) {
                    return JsonUtil.parseJson(jws.getPayload());
                }
            }
        }
        throw new AssertionError(
                "no log entry signed by " + signer.getSerialNumber().toString(16) + " listing " + serial + " within "
                        + WAIT.toSeconds() + " s; signers seen: " + seen);
    }
}
