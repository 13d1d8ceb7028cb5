package io.keywarden.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ops4j.pax.exam.Option;

import io.keywarden.broker.internal.mosquitto.MosquittoDynsec;
import io.keywarden.testing.mqtt.SecureMosquitto;

/**
 * Driver side only: one real Mosquitto per test JVM set up as docs/servers.md says (mutual TLS with
 * use_identity_as_username, dynamic security), a test CA shaped like Pebble's (CN = first DNS name), and the PEM files
 * the tests inside the framework read: the CA, the broker admin's password, sensor-7's certificate and key.
 */
final class TestSecureBroker {
    static final String DEVICE_URL = "keywarden.it.secure.device.url";
    static final String ADMIN_URL = "keywarden.it.secure.admin.url";
    static final String ADMIN_PASSWORD = "keywarden.it.secure.admin.password";
    static final String DIR = "keywarden.it.secure.dir";
    static final String ADMIN = "keywarden-admin";
    static final String SENSOR = "sensor-7.it.keywarden.test";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static SecureMosquitto broker;

    private TestSecureBroker() {}

    static synchronized Option[] options() throws Exception {
        return options(null);
    }

    /**
     * A fresh broker for each test class (another class may have restarted a Pebble, whose root then changed); with
     * a Pebble name, its current root is trusted for devices too, beside the test CA.
     */
    static synchronized Option[] options(String pebble) throws Exception {
        if (broker != null) {
            broker.close();
        }
        start(
                Path.of(ItProperties.required(ItProperties.WORKDIR)).resolve("secure-mosquitto-" + System.nanoTime()),
                pebble == null
                        ? ""
                        : pem("CERTIFICATE", new CaControl(pebble).root().getEncoded()));
        return new Option[] {
            mavenBundle("org.eclipse.paho", "org.eclipse.paho.client.mqttv3", "1.2.5"),
            bundle(Path.of(ItProperties.required(TestBroker.BUNDLE_RELYING_PARTY))
                    .toUri()
                    .toString()),
            bundle(Path.of(ItProperties.required("keywarden.it.bundle.broker"))
                    .toUri()
                    .toString()),
        };
    }

    private static void start(Path dir, String extraAnchors) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKey = ec();
        X500Principal caName = new X500Principal("CN=Keywarden IT device CA");
        var cb = new JcaX509v3CertificateBuilder(
                caName,
                new BigInteger(63, RANDOM),
                Date.from(Instant.now().minusSeconds(3600)),
                Date.from(Instant.now().plusSeconds(86400)),
                caName,
                caKey.getPublic());
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate ca = new JcaX509CertificateConverter()
                .getCertificate(cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()) + extraAnchors);
        leaf(dir, "server", "localhost", ca, caKey);
        leaf(dir, "sensor", SENSOR, ca, caKey);
        String password = Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
        broker = SecureMosquitto.start(
                dir.resolve("mosquitto"),
                dir.resolve("ca.pem"),
                dir.resolve("server.pem"),
                dir.resolve("server.key"),
                ADMIN,
                password);
        SecureMosquitto started = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "secure-broker-stop"));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        try (MosquittoDynsec admin = new MosquittoDynsec(
                broker.adminUrl(), ADMIN, password.toCharArray(), tls.getSocketFactory(), Duration.ofSeconds(10))) {
            var answer = admin.run(List.of(
                    Map.of(
                            "command",
                            "createRole",
                            "rolename",
                            "sensors",
                            "acls",
                            List.of(Map.of("acltype", "publishClientSend", "topic", "readings/#", "allow", true))),
                    Map.of(
                            "command",
                            "createClient",
                            "username",
                            SENSOR,
                            "roles",
                            List.of(Map.of("rolename", "sensors")))));
            if (!answer.accepted()) {
                throw new IllegalStateException("dynsec provisioning refused: " + answer.detail());
            }
        }
        System.setProperty(DEVICE_URL, broker.deviceUrl());
        System.setProperty(ADMIN_URL, broker.adminUrl());
        System.setProperty(ADMIN_PASSWORD, password);
        System.setProperty(DIR, dir.toString());
    }

    private static void leaf(Path dir, String file, String dnsName, X509Certificate ca, KeyPair caKey)
            throws Exception {
        KeyPair kp = ec();
        var b = new JcaX509v3CertificateBuilder(
                ca.getSubjectX500Principal(),
                new BigInteger(63, RANDOM),
                Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plusSeconds(3600)),
                new X500Principal("CN=" + dnsName),
                kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
        }));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        Files.writeString(dir.resolve(file + ".pem"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(
                dir.resolve(file + ".key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
