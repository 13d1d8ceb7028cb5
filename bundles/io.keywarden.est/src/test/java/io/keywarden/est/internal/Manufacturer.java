package io.keywarden.est.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A simulated device manufacturer: its own root, and IEEE 802.1AR-style IDevIDs naming devices by serialNumber. */
final class Manufacturer {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    final KeyPair rootKey;
    final X509Certificate root;
    final X500Name name;

    Manufacturer(String name) throws Exception {
        this.name = new X500Name("CN=" + name + " IDevID Root,O=" + name);
        this.rootKey = ec();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                this.name,
                serial(),
                Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plus(Duration.ofDays(3650))),
                this.name,
                rootKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.root = sign(b);
    }

    /** A device's IDevID: subject serialNumber = the device id. */
    Device idevid(String deviceId) throws Exception {
        return idevid(deviceId, Instant.now().plus(Duration.ofDays(3650)));
    }

    Device idevid(String deviceId, Instant notAfter) throws Exception {
        KeyPair kp = ec();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Sensors Inc")
                .addRDN(BCStyle.SERIALNUMBER, deviceId)
                .build();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                name,
                serial(),
                Date.from(Instant.now().minusSeconds(60)),
                Date.from(notAfter),
                subject,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        return new Device(kp, sign(b));
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    record Device(KeyPair key, X509Certificate certificate) {}
}
