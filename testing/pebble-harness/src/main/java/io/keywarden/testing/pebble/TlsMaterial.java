package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.LeafBuilder;
import io.keywarden.testing.pki.Pem;
import io.keywarden.testing.pki.TestCa;

/**
 * Self-signed test CA plus a server certificate for {@code localhost} / {@code 127.0.0.1} / {@code ::1} (test-pki),
 * written as PEM for Pebble's HTTPS listeners.
 */
final class TlsMaterial {

    /** Inside the test CA's own year. */
    private static final Duration VALIDITY = Duration.ofDays(300);

    final Path caCertFile;
    final Path serverCertFile;
    final Path serverKeyFile;
    final String caCertPem;
    final X509Certificate caCert;

    private TlsMaterial(
            Path caCertFile, Path serverCertFile, Path serverKeyFile, String caCertPem, X509Certificate caCert) {
        this.caCertFile = caCertFile;
        this.serverCertFile = serverCertFile;
        this.serverKeyFile = serverKeyFile;
        this.caCertPem = caCertPem;
        this.caCert = caCert;
    }

    static TlsMaterial generate(Path dir) {
        try {
            Files.createDirectories(dir);
            TestCa ca =
                    TestCa.root("Keywarden Pebble harness test CA " + Long.toHexString(new SecureRandom().nextLong()));
            Issued server = ca.leaf("localhost")
                    .dnsNames("localhost")
                    .ipAddresses("127.0.0.1", "::1")
                    .usage(LeafBuilder.Usage.TLS_SERVER)
                    .validFor(VALIDITY)
                    .issue();
            String caPem = ca.certificatePem();
            Path caFile = dir.resolve("tls-ca.pem");
            Path certFile = dir.resolve("tls-server-cert.pem");
            Path keyFile = dir.resolve("tls-server-key.pem");
            Files.writeString(caFile, caPem, StandardCharsets.US_ASCII);
            // Pebble serves the chain from this file: leaf first, then the CA
            Files.writeString(certFile, server.chainPem(), StandardCharsets.US_ASCII);
            Files.writeString(keyFile, server.keyPem(), StandardCharsets.US_ASCII);
            return new TlsMaterial(caFile, certFile, keyFile, caPem, ca.certificate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS material to " + dir, e);
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
        return Pem.readCertificates(pem);
    }
}
