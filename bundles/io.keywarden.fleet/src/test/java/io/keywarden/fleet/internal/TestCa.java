package io.keywarden.fleet.internal;

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
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;

/** A throwaway CA issuing certificates with a DNS name, as Pebble does (the demo's fleet test uses Pebble). */
public final class TestCa {
    private static final AtomicLong SERIALS = new AtomicLong(0x5000);

    final KeyPair key;
    public final X509Certificate root;

    public TestCa(String name) throws Exception {
        key = ecKey();
        X500Principal dn = new X500Principal("CN=" + name);
        var b = new JcaX509v3CertificateBuilder(dn, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86400)), dn, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        root = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    public static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public Leaf issue(String deviceId, String dnsName) throws Exception {
        KeyPair kp = ecKey();
        var b = new JcaX509v3CertificateBuilder(root.getSubjectX500Principal(), BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Principal(""),
                kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        return new Leaf(deviceId, dnsName, kp, List.of(cert, root));
    }

    /** A certificate with its key, and the record a gateway keeps of it. */
    public record Leaf(String deviceId, String dnsName, KeyPair key, List<X509Certificate> chain) {

        public String serial() {
            return chain.get(0).getSerialNumber().toString(16);
        }

        public CertificateRecord record(DeviceKind kind, String accountUrl) {
            X509Certificate c = chain.get(0);
            return CertificateRecord.builder().deviceId(deviceId).kind(kind).identifiers(List.of(dnsName))
                    .serial(serial()).notBefore(c.getNotBefore().toInstant()).notAfter(c.getNotAfter().toInstant())
                    .chain(chain).accountUrl(accountUrl).keyCustody(KeyCustody.GATEWAY)
                    .issuedAt(c.getNotBefore().toInstant()).build();
        }

        public KeyStore.PrivateKeyEntry entry() {
            return new KeyStore.PrivateKeyEntry(key.getPrivate(), chain.toArray(new X509Certificate[0]));
        }
    }
}
