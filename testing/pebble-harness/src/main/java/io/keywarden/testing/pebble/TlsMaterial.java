package io.keywarden.testing.pebble;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed test CA plus a server certificate for {@code localhost} / {@code 127.0.0.1} / {@code ::1}, generated with
 * Bouncy Castle (passed as provider object, never registered globally) and written as PEM for Pebble's HTTPS listeners.
 */
final class TlsMaterial {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final Duration VALIDITY = Duration.ofDays(365);

    final Path caCertFile;
    final Path serverCertFile;
    final Path serverKeyFile;
    final String caCertPem;
    final X509Certificate caCert;

    private TlsMaterial(Path caCertFile, Path serverCertFile, Path serverKeyFile, String caCertPem, X509Certificate caCert) {
        this.caCertFile = caCertFile;
        this.serverCertFile = serverCertFile;
        this.serverKeyFile = serverKeyFile;
        this.caCertPem = caCertPem;
        this.caCert = caCert;
    }

    static TlsMaterial generate(Path dir) {
        try {
            Files.createDirectories(dir);
            SecureRandom random = new SecureRandom();
            Instant now = Instant.now();
            Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
            Date notAfter = Date.from(now.plus(VALIDITY));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();

            KeyPair caKeys = ecKeyPair(random);
            X500Name caName = new X500Name("CN=Keywarden Pebble harness test CA " + Long.toHexString(random.nextLong()));
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(random), notBefore, notAfter,
                    caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = converter.getCertificate(ca.build(signer(caKeys)));

            KeyPair serverKeys = ecKeyPair(random);
            GeneralNames sans = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
            });
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCert, serial(random), notBefore, notAfter,
                    new X500Name("CN=localhost"), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, sans)
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(serverKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate serverCert = converter.getCertificate(server.build(signer(caKeys)));

            String caPem = pem(caCert);
            Path caFile = dir.resolve("tls-ca.pem");
            Path certFile = dir.resolve("tls-server-cert.pem");
            Path keyFile = dir.resolve("tls-server-key.pem");
            Files.writeString(caFile, caPem, StandardCharsets.US_ASCII);
            // Pebble serves the chain from this file: leaf first, then the CA
            Files.writeString(certFile, pem(serverCert) + caPem, StandardCharsets.US_ASCII);
            Files.writeString(keyFile, pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate()),
                    StandardCharsets.US_ASCII);
            return new TlsMaterial(caFile, certFile, keyFile, caPem, caCert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS material to " + dir, e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate TLS material for Pebble", e);
        }
    }

    /** An SSLContext trusting exactly the generated CA. */
    SSLContext sslContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("pebble-harness-ca", caCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build SSLContext for the Pebble harness CA", e);
        }
    }

    static List<X509Certificate> parseCertificates(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends java.security.cert.Certificate> certs =
                    cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            return List.copyOf(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot parse certificates from PEM", e);
        }
    }

    private static KeyPair ecKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", BC);
        kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
        return kpg.generateKeyPair();
    }

    private static ContentSigner signer(KeyPair keys) throws org.bouncycastle.operator.OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(keys.getPrivate());
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(64, random).setBit(63);
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }
}
