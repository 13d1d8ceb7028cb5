package io.keywarden.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JcaHttpAuthBuilder;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.Store;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.testing.sensors.ChannelClient;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * The EST bundle on the framework with the Jetty 9.4 bundles Kura ships: it resolves, serves cacerts, enrolls a sensor
 * with a one-time code (Bouncy Castle's EST client) through the ACME bundle at a real Pebble, and renews it with the
 * certificate it got; the certificates are Valid at the CA and ordinary SENSOR records, with which the sensor reports
 * to the monitor's channel like any other.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EstIT extends MonitorTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.estOptions();
    }

    @Test
    public void aSensorEnrollsWithACodeAndRenewsWithItsCertificate() throws Exception {
        for (String bsn : List.of("org.eclipse.jetty.server", "io.keywarden.est")) {
            assertEquals(bsn + " active", Bundle.ACTIVE, bundle(bsn).getState());
        }
        String suffix = "." + framework() + ".est.keywarden.example";
        String gatewayName = "gw" + suffix;
        applyConfig(gatewayConfig(ca, gatewayName));
        GatewayEnrollmentService gateway = awaitGatewayService();
        awaitGatewayEnrolled(gateway);

        Configuration cls = configAdmin.createFactoryConfiguration("io.keywarden.est.class", "?");
        Configuration est = configAdmin.getConfiguration("io.keywarden.est", "?");
        try {
            Hashtable<String, Object> c = new Hashtable<>();
            c.put("name", "sensors");
            c.put("devices.pattern", "sensor-[0-9]+");
            c.put("dns.names", new String[] {"{id}" + suffix});
            cls.update(c);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Hashtable<String, Object> e = new Hashtable<>();
            e.put("bind.address", "127.0.0.1");
            e.put("port", port);
            e.put("data.dir", dataDir.resolve("est").toString());
            e.put("ca.wait.ms", 10000);
            est.update(e);
            EnrollmentCodes codes = awaitService(EnrollmentCodes.class);
            String code = await("a code for sensor-1 (the device class bound)", SERVICE_TIMEOUT, () -> {
                try {
                    return codes.create("sensor-1", null).getCode();
                } catch (IllegalArgumentException notYet) {
                    return null;
                }
            });

            X509Certificate root = ca.root();
            List<X509Certificate> caCerts = certificates(
                    client(port, root, gatewayName, null).getCACerts().getCertificateStore());
            assertEquals(gateway.getCaCertificates(), caCerts);

            KeyPair key = ec();
            String name = "sensor-1" + suffix;
            EnrollmentResponse r = client(port, root, gatewayName, null)
                    .simpleEnroll(
                            false,
                            csr(key, new X500Name("CN=sensor-1"), name),
                            new JcaHttpAuthBuilder("sensor-1", code.toCharArray()).build());
            assertTrue("issued at once", r.isCompleted());
            X509Certificate first = certificates(r.getStore()).get(0);
            assertArrayEquals(key.getPublic().getEncoded(), first.getPublicKey().getEncoded());
            assertEquals("Valid", ca.certStatus(first.getSerialNumber().toString(16)));
            List<X509Certificate> chain = new ArrayList<>(List.of(first));
            chain.addAll(caCerts);
            assertChainVerifiesTo(chain, root);
            CertificateInventory inventory = awaitService(CertificateInventory.class);
            CertificateRecord record =
                    inventory.getBySerial(first.getSerialNumber().toString(16)).orElseThrow();
            assertEquals(DeviceKind.SENSOR, record.getKind());
            assertEquals("sensor-1", record.getDeviceId());

            // an ordinary sensor for the monitor: its report over mutual TLS is accepted
            DeviceMonitor monitor = startMonitor(Map.of());
            startRevocation(monitor, gatewayName); // the channel admits no one without a deny list
            try (SimulatedSensor sensor = new SimulatedSensor(
                    "sensor-1",
                    key,
                    chain,
                    Profile.WELL_BEHAVED,
                    monitor.getChannelAddress().orElseThrow(),
                    List.of(root))) {
                ChannelClient.Result report = sensor.report();
                assertTrue("report accepted: " + report, report.isSuccess());
            }

            X500Name subject =
                    X500Name.getInstance(first.getSubjectX500Principal().getEncoded());
            EnrollmentResponse renewed =
                    client(port, root, gatewayName, key, first).simpleEnroll(true, csr(key, subject, name), null);
            X509Certificate second = certificates(renewed.getStore()).get(0);
            assertEquals("Valid", ca.certStatus(second.getSerialNumber().toString(16)));
            assertEquals(
                    CertificateStatus.SUPERSEDED,
                    inventory
                            .getBySerial(first.getSerialNumber().toString(16))
                            .orElseThrow()
                            .getStatus());
        } finally {
            est.delete();
            cls.delete();
        }
    }

    private static ESTService client(
            int port, X509Certificate root, String gatewayName, KeyPair key, X509Certificate... chain)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        JsseESTServiceBuilder b = new JsseESTServiceBuilder(
                        "127.0.0.1:" + port, (X509TrustManager) tmf.getTrustManagers()[0])
                .withTimeout(30_000)
                .withHostNameAuthorizer((host, session) -> {
                    try {
                        return ((X509Certificate) session.getPeerCertificates()[0])
                                .getSubjectAlternativeNames().stream().anyMatch(n -> gatewayName.equals(n.get(1)));
                    } catch (Exception e) {
                        return false;
                    }
                });
        if (key != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("c", key.getPrivate(), new char[0], chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, new char[0]);
            b.withKeyManagers(kmf.getKeyManagers());
        }
        return b.build();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static PKCS10CertificationRequest csr(KeyPair kp, X500Name subject, String dns) throws Exception {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(
                Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
        return new JcaPKCS10CertificationRequestBuilder(subject, kp.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
    }

    private static List<X509Certificate> certificates(Store<X509CertificateHolder> store) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder h : store.getMatches(null)) {
            out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
        return out;
    }
}
