package io.keywarden.itests;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.RevocationEvents;

/**
 * The broker bundle's OSGi wiring on both frameworks: configured through ConfigAdmin (the admin password as the
 * Password attribute arrives), it takes an ACCEPTED revocation event, finds the certificate in a CertificateInventory
 * service, and the real Mosquitto ends the device's session and keeps its reconnect out; a REFUSED event does nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BrokerContainmentIT extends KeywardenTestSupport {
    private static final String BROKER_PID = "io.keywarden.broker.mosquitto";

    private Configuration brokerConfig;
    private ServiceRegistration<?> inventory;
    private MqttClient device;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        try {
            List<Option> options = KeywardenOptions.platform();
            options.add(CoreOptions.bundle(Path.of(ItProperties.required(ItProperties.BUNDLE_API))
                    .toUri()
                    .toString()));
            options.addAll(List.of(TestSecureBroker.options()));
            return options.toArray(new Option[0]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @After
    public void tearDownBroker() throws Exception {
        if (device != null) {
            try {
                if (device.isConnected()) {
                    device.disconnect(500);
                }
                device.close(true);
            } catch (MqttException ignored) {
                // closed by the broker
            }
        }
        if (inventory != null) {
            inventory.unregister();
        }
        if (brokerConfig != null) {
            brokerConfig.delete();
        }
    }

    @Test
    public void anAcceptedRevocationEndsTheSessionAndKeepsTheReconnectOutARefusedOneDoesNothing() throws Exception {
        Path dir = Path.of(System.getProperty(TestSecureBroker.DIR));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("sensor.pem"))));
        String serial = cert.getSerialNumber().toString(16);
        CertificateRecord record = CertificateRecord.builder()
                .deviceId("sensor-7")
                .kind(DeviceKind.SENSOR)
                .identifiers(List.of(TestSecureBroker.SENSOR))
                .serial(serial)
                .notBefore(cert.getNotBefore().toInstant())
                .notAfter(cert.getNotAfter().toInstant())
                .chain(List.of(cert))
                .accountUrl("https://ca.test/acct/1")
                .keyCustody(KeyCustody.GATEWAY)
                .issuedAt(Instant.now())
                .build();
        inventory = context.registerService(
                CertificateInventory.class,
                new CertificateInventory() {
                    @Override
                    public List<CertificateRecord> getAll() {
                        return List.of(record);
                    }

                    @Override
                    public List<CertificateRecord> getByDevice(String deviceId) {
                        return "sensor-7".equals(deviceId) ? List.of(record) : List.of();
                    }

                    @Override
                    public Optional<CertificateRecord> getBySerial(String s) {
                        return serial.equals(s) ? Optional.of(record) : Optional.empty();
                    }
                },
                new Hashtable<>());

        Hashtable<String, Object> p = new Hashtable<>();
        p.put("broker.admin.url", System.getProperty(TestSecureBroker.ADMIN_URL));
        p.put("broker.admin.username", TestSecureBroker.ADMIN);
        p.put("broker.admin.password", System.getProperty(TestSecureBroker.ADMIN_PASSWORD));
        p.put("broker.trust.anchor", dir.resolve("ca.pem").toString());
        p.put("data.dir", dataDir.resolve("broker").toString());
        brokerConfig = configAdmin.getConfiguration(BROKER_PID, "?");
        brokerConfig.update(p);
        awaitTrue("the broker component is active", SERVICE_TIMEOUT, () -> componentActive());

        CountDownLatch lost = new CountDownLatch(1);
        device = connect(dir, lost);
        EventAdmin eventAdmin = awaitService(EventAdmin.class);
        eventAdmin.sendEvent(new Event(
                RevocationEvents.TOPIC_REFUSED,
                Map.of(
                        RevocationEvents.PROPERTY_TICKET_ID,
                        "t-refused",
                        RevocationEvents.PROPERTY_SERIALS,
                        new String[] {serial})));
        assertTrue(
                "a refused revocation leaves the session alone",
                !lost.await(1, TimeUnit.SECONDS) && device.isConnected());

        eventAdmin.postEvent(new Event(
                RevocationEvents.TOPIC_ACCEPTED,
                Map.of(RevocationEvents.PROPERTY_TICKET_ID, "t-7", RevocationEvents.PROPERTY_SERIALS, new String[] {
                    serial
                })));
        assertTrue("the device's session is ended", lost.await(15, TimeUnit.SECONDS));

        CountDownLatch lostAgain = new CountDownLatch(1);
        MqttClient again;
        try {
            again = connect(dir, lostAgain);
        } catch (MqttException refusedAtConnect) {
            return;
        }
        try {
            assertTrue("the reconnect is ended too", lostAgain.await(15, TimeUnit.SECONDS));
        } finally {
            again.close(true);
        }
    }

    private boolean componentActive() {
        try {
            return context.getServiceReferences(
                            "org.osgi.service.event.EventHandler",
                            "(component.name=io.keywarden.broker.internal.BrokerComponent)")
                    != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MqttClient connect(Path dir, CountDownLatch lost) throws Exception {
        MqttClient c = new MqttClient(
                System.getProperty(TestSecureBroker.DEVICE_URL),
                "sensor-7-" + System.nanoTime(),
                new MemoryPersistence());
        c.setTimeToWait(10_000);
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // publishes only
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 0
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(tls(dir).getSocketFactory());
        o.setAutomaticReconnect(false);
        c.connect(o);
        return c;
    }

    private static SSLContext tls(Path dir) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate cert =
                (X509Certificate) cf.generateCertificate(Files.newInputStream(dir.resolve("sensor.pem")));
        X509Certificate ca = (X509Certificate) cf.generateCertificate(Files.newInputStream(dir.resolve("ca.pem")));
        String keyPem = Files.readString(dir.resolve("sensor.key"), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(keyPem)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", key, "pw".toCharArray(), new X509Certificate[] {cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "pw".toCharArray());
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }
}
