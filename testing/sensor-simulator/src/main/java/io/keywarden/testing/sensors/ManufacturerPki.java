package io.keywarden.testing.sensors;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A simulated device manufacturer: a root of its own and IEEE 802.1AR-style manufacturer certificates (IDevIDs) that
 * name each device by its subject serialNumber, as a gateway's EST device class expects them.
 */
public final class ManufacturerPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    /** A device's manufacturer identity: its key and certificate. */
    public record Idevid(KeyPair key, X509Certificate certificate) {}

    private final X500Name name;
    private final KeyPair rootKey;
    private final X509Certificate root;

    public ManufacturerPki(String manufacturer) {
        this.name = new X500Name("CN=" + manufacturer + " IDevID Root,O=" + manufacturer);
        this.rootKey = SensorKeys.newKey();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                name,
                serial(),
                Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plus(Duration.ofDays(3650))),
                name,
                rootKey.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.root = sign(b);
    }

    /** The trust anchor a gateway configures for this manufacturer. */
    public X509Certificate root() {
        return root;
    }

    public String rootPem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(root.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new device's IDevID: subject serialNumber = the device id. */
    public Idevid issue(String deviceId) {
        KeyPair kp = SensorKeys.newKey();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Simulated sensors")
                .addRDN(BCStyle.SERIALNUMBER, deviceId)
                .build();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                name,
                serial(),
                Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plus(Duration.ofDays(3650))),
                subject,
                kp.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Idevid(kp, sign(b));
    }

    private X509Certificate sign(X509v3CertificateBuilder b) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an IDevID: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }
}
