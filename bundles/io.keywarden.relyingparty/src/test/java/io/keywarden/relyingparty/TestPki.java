package io.keywarden.relyingparty;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
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

/** A throwaway CA issuing certificates as Pebble does (CN = first DNS name, random serial); TLS contexts from them. */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PW = "changeit".toCharArray();

    private final KeyPair key;
    public final X509Certificate root;

    public TestPki(String name) throws Exception {
        key = ecKey();
        X500Principal dn = new X500Principal("CN=" + name);
        var b = new JcaX509v3CertificateBuilder(dn, new BigInteger(63, RANDOM),
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

    /** A leaf for {@code dnsName} (also its CN), valid for server and client use. */
    public Leaf issue(String dnsName) throws Exception {
        KeyPair kp = ecKey();
        var b = new JcaX509v3CertificateBuilder(root.getSubjectX500Principal(), new BigInteger(63, RANDOM),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)),
                new X500Principal("CN=" + dnsName), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        return new Leaf(kp, new X509Certificate[] { cert, root });
    }

    public KeyStore trustStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", root);
        return ks;
    }

    /** A client context presenting {@code leaf} and trusting this CA. */
    public SSLContext clientContext(Leaf leaf) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trustStore());
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(leaf.keyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    public record Leaf(KeyPair key, X509Certificate[] chain) {
        public String serial() {
            return chain[0].getSerialNumber().toString(16);
        }

        public KeyStore keyStore() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key.getPrivate(), PW, chain);
            return ks;
        }

        public char[] password() {
            return PW.clone();
        }

        public KeyManager[] keyManagers() throws Exception {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keyStore(), PW);
            return kmf.getKeyManagers();
        }
    }
}
