package io.keywarden.demo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import io.keywarden.testing.sensors.SensorKeys;

/** What the demo does in the sensors' place (their own keys and CSRs) and in a relying party's (path checks). */
final class Crypto {
    /** Given to JCA calls as an object, never registered globally. */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private Crypto() {}

    /** A sensor that holds its own key: an EC P-256 key pair and a CSR for its DNS names. */
    record SensorKey(KeyPair keyPair, Path keyFile, Path csrFile) {}

    /** The key and CSR come from the sensor simulator, the one place simulated sensors build them. */
    static SensorKey sensorKey(Path dir, List<String> dnsNames) {
        KeyPair kp = SensorKeys.newKey();
        try {
            Files.createDirectories(dir);
            Path keyFile = dir.resolve("key.pem");
            Path csrFile = dir.resolve("request.csr");
            Files.writeString(keyFile, SensorKeys.privateKeyPem(kp), StandardCharsets.US_ASCII);
            Files.writeString(csrFile, SensorKeys.csrPem(kp, dnsNames), StandardCharsets.US_ASCII);
            return new SensorKey(kp, keyFile, csrFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<X509Certificate> readChain(Path pemFile) {
        try {
            String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
            return parse(pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pemFile, e);
        }
    }

    static List<X509Certificate> parse(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> all =
                    cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            all.forEach(c -> out.add((X509Certificate) c));
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not PEM certificates: " + e.getMessage(), e);
        }
    }

    /**
     * Validates {@code chain} (leaf first) up to one of {@code roots} as a relying party would (PKIX, no
     * revocation checking: Pebble publishes neither CRL nor OCSP). Returns null when it verifies, else why not.
     */
    static String verify(List<X509Certificate> chain, List<X509Certificate> roots, List<String> expectedNames) {
        if (chain.isEmpty()) {
            return "empty chain";
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate c : chain) {
                if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    path.add(c); // a self-signed root in the file is not part of the path
                }
            }
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(cp, params);
        } catch (CertPathValidatorException e) {
            return "path does not validate: " + e.getMessage();
        } catch (GeneralSecurityException e) {
            return "cannot validate: " + e;
        }
        List<String> san = dnsNames(chain.get(0));
        if (!san.containsAll(expectedNames)) {
            return "certificate names " + san + " do not cover " + expectedNames;
        }
        return null;
    }

    static List<String> dnsNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(GeneralName.dNSName).equals(san.get(0))) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            // no names
        }
        return out;
    }

    static boolean samePublicKey(PublicKey a, PublicKey b) {
        return Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    static PublicKey publicKeyOfCsr(Path csrFile) {
        try (var parser = new PEMParser(new StringReader(Files.readString(csrFile, StandardCharsets.US_ASCII)))) {
            PKCS10CertificationRequest csr = (PKCS10CertificationRequest) parser.readObject();
            return new JcaPKCS10CertificationRequest(csr).setProvider(BC).getPublicKey();
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new DemoException("cannot read the CSR " + csrFile + ": " + e);
        }
    }
}
