package io.keywarden.demo.servers;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
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

/**
 * The benchmark's CA: certificates shaped like Pebble's (CN = first DNS name, 63-bit random serial). Only TLS matters
 * for the timings; what a revocation at the CA costs is measured by bench-revoke against real Pebble.
 */
final class ServerPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PW = "bench".toCharArray();

    private final KeyPair key;
    final X509Certificate root;

    ServerPki() throws Exception {
        key = ecKey();
        X500Principal dn = new X500Principal("CN=Keywarden bench CA");
        var b = new JcaX509v3CertificateBuilder(dn, new BigInteger(63, RANDOM), Date.from(Instant.now().minusSeconds(3600)),
                Date.from(Instant.now().plusSeconds(86400)), dn, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        root = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    Leaf issue(String dnsName) throws Exception {
        KeyPair kp = ecKey();
        var b = new JcaX509v3CertificateBuilder(root.getSubjectX500Principal(), new BigInteger(63, RANDOM),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)),
                new X500Principal("CN=" + dnsName), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        return new Leaf(dnsName, kp, new X509Certificate[] { cert, root });
    }

    KeyStore trustStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", root);
        return ks;
    }

    SSLContext clientContext(Leaf leaf) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trustStore());
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(leaf == null ? null : leaf.keyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    Path writeCa(Path file) throws Exception {
        Files.writeString(file, pem("CERTIFICATE", root.getEncoded()));
        return file;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    record Leaf(String name, KeyPair key, X509Certificate[] chain) {
        String serial() {
            return chain[0].getSerialNumber().toString(16);
        }

        void write(Path cert, Path keyFile) throws Exception {
            Files.writeString(cert, pem("CERTIFICATE", chain[0].getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getPrivate().getEncoded()));
        }

        KeyManager[] keyManagers() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key.getPrivate(), PW, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, PW);
            return kmf.getKeyManagers();
        }
    }
}
