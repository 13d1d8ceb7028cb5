package io.keywarden.itests;

import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.TicketState;

/**
 * Issue 15, test 1 end to end: sensors enrolled at real Pebble hold MQTT sessions on a real Mosquitto (mutual TLS,
 * their Pebble certificates, CN as user name); a signed revocation request accepted by the revocation component ends
 * the revoked sensor's session and keeps its reconnect out, and leaves the other sensor's session alone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BrokerRevocationIT extends RevocationTestSupport {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRevocationIT.class);
    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----");

    private final CaControl ca = new CaControl(ItProperties.CA_BLOCKABLE);
    private Configuration brokerConfig;
    private final List<MqttClient> clients = new ArrayList<>();

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        try {
            Option[] base = KeywardenOptions.options();
            return OptionUtils.combine(base, TestSecureBroker.options(ItProperties.CA_BLOCKABLE));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @After
    public void tearDownBroker() throws Exception {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnect(500);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // closed by the broker
            }
        }
        if (brokerConfig != null) {
            brokerConfig.delete();
        }
    }

    @Test
    public void anAcceptedRevocationEndsTheSensorsBrokerSessionAndKeepsItsReconnectOut() throws Exception {
        String gw = "gw-broker." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 2);
        RevocationService service = configureRevocation(gw, "CUSTODIAN_ACCOUNT", 60);
        configureBroker();

        CountDownLatch lost2 = new CountDownLatch(1);
        CountDownLatch lost1 = new CountDownLatch(1);
        connect(certs.get("sensor-2"), "sensor-2", lost2);
        connect(certs.get("sensor-1"), "sensor-1", lost1);

        long submitted = System.nanoTime();
        var ticket =
                service.submit(sign(MONITOR, RevocationTarget.device("sensor-2"), RevocationReason.KEY_COMPROMISE));
        assertTrue("accepted: " + ticket, ticket.getState() != TicketState.REFUSED);
        assertTrue("sensor-2's session is ended", lost2.await(15, TimeUnit.SECONDS));
        LOG.info(
                "signed request submitted -> sensor-2's broker session closed: {} ms",
                (System.nanoTime() - submitted) / 1_000_000.0);
        assertTrue("sensor-1 keeps its session", !lost1.await(500, TimeUnit.MILLISECONDS));

        CountDownLatch lostAgain = new CountDownLatch(1);
        try {
            connect(certs.get("sensor-2"), "sensor-2", lostAgain);
        } catch (MqttException refusedAtConnect) {
            return;
        }
        assertTrue("sensor-2's reconnect is ended", lostAgain.await(15, TimeUnit.SECONDS));
    }

    private void configureBroker() throws Exception {
        Path dir = Path.of(System.getProperty(TestSecureBroker.DIR));
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("broker.admin.url", System.getProperty(TestSecureBroker.ADMIN_URL));
        p.put("broker.admin.username", TestSecureBroker.ADMIN);
        p.put("broker.admin.password", System.getProperty(TestSecureBroker.ADMIN_PASSWORD));
        p.put("broker.trust.anchor", dir.resolve("ca.pem").toString());
        p.put("data.dir", dataDir.resolve("broker").toString());
        brokerConfig = configAdmin.getConfiguration("io.keywarden.broker.mosquitto", "?");
        brokerConfig.update(p);
        awaitTrue("the broker component is active", SERVICE_TIMEOUT, () -> {
            try {
                return context.getServiceReferences(
                                "org.osgi.service.event.EventHandler",
                                "(component.name=io.keywarden.broker.internal.BrokerComponent)")
                        != null;
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void connect(CertificateRecord record, String deviceId, CountDownLatch lost) throws Exception {
        MqttClient c = new MqttClient(
                System.getProperty(TestSecureBroker.DEVICE_URL),
                deviceId + "-" + System.nanoTime(),
                new MemoryPersistence());
        clients.add(c);
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
        o.setSocketFactory(tls(record, deviceDir(deviceId).resolve("key.pem")).getSocketFactory());
        o.setAutomaticReconnect(false);
        c.connect(o);
    }

    /** The sensor's gateway-held key and its Pebble chain; trusts the broker's test CA. */
    private static SSLContext tls(CertificateRecord record, Path keyFile) throws Exception {
        Matcher m = PRIVATE_KEY.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
        assertTrue(keyFile + " holds a PKCS#8 key", m.find());
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException notEc) {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", key, "pw".toCharArray(), record.getChain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "pw".toCharArray());
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(
                        Path.of(System.getProperty(TestSecureBroker.DIR)).resolve("ca.pem"))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }
}
