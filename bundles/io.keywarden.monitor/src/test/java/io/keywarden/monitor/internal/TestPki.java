package io.keywarden.monitor.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;

/** A throwaway CA for unit tests of the channel (the integration tests use Pebble). */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(0x1000);

    public final KeyPair caKey;
    public final X509Certificate ca;

    public TestPki(String name) throws Exception {
        caKey = ecKey();
        X500Principal dn = new X500Principal("CN=" + name);
        var b = new JcaX509v3CertificateBuilder(dn, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86400)), dn,
                caKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
    }

    public static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A leaf for {@code name}, valid from {@code from} to {@code to}. */
    public Leaf issue(String deviceId, Instant from, Instant to) throws Exception {
        return issue(deviceId, from, to, null);
    }

    /** A leaf with the given extended key usage (null: none, which allows any use). */
    public Leaf issue(String deviceId, Instant from, Instant to, KeyPurposeId eku) throws Exception {
        KeyPair kp = ecKey();
        var b = new JcaX509v3CertificateBuilder(ca.getSubjectX500Principal(), BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(from), Date.from(to), new X500Principal("CN=" + deviceId), kp.getPublic());
        if (eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        return new Leaf(deviceId, kp, List.of(cert, ca));
    }

    public Leaf issue(String deviceId) throws Exception {
        return issue(deviceId, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
    }

    /** A certificate with its key, and the record the gateway would keep of it. */
    public record Leaf(String deviceId, KeyPair key, List<X509Certificate> chain) {

        public String serial() {
            return chain.get(0).getSerialNumber().toString(16);
        }

        public CertificateRecord record(DeviceKind kind) {
            X509Certificate c = chain.get(0);
            return CertificateRecord.builder().deviceId(deviceId).kind(kind).identifiers(List.of(deviceId + ".test"))
                    .serial(serial()).notBefore(c.getNotBefore().toInstant()).notAfter(c.getNotAfter().toInstant())
                    .chain(chain).accountUrl("https://ca.test/acct/1").keyCustody(KeyCustody.DEVICE)
                    .issuedAt(c.getNotBefore().toInstant()).build();
        }

        public KeyStore.PrivateKeyEntry entry() {
            return new KeyStore.PrivateKeyEntry(key.getPrivate(), chain.toArray(new X509Certificate[0]));
        }
    }
}
