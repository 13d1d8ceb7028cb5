package io.keywarden.testing.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** The one place that turns a subject, a public key and an issuer into a signed X.509 v3 certificate. */
final class Signing {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Adds the extensions particular to one certificate. */
    interface Extensions {
        void addTo(X509v3CertificateBuilder b, JcaX509ExtensionUtils utils)
                throws IOException, GeneralSecurityException;
    }

    private Signing() {}

    /** A positive 64-bit serial with its top bit set, so every serial has 16 hex digits. */
    static BigInteger randomSerial() {
        return new BigInteger(64, RANDOM).setBit(63);
    }

    /**
     * @param issuer {@code null} for a self-signed certificate (then {@code issuerKey} is the subject's key pair)
     */
    static X509Certificate sign(
            X509Certificate issuer,
            KeyPair issuerKey,
            X500Principal subject,
            PublicKey subjectKey,
            BigInteger serial,
            Instant from,
            Instant to,
            Extensions extensions) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X500Principal issuerName = issuer == null ? subject : issuer.getSubjectX500Principal();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    issuerName, serial, Date.from(from), Date.from(to), subject, subjectKey);
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            if (issuer != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            }
            extensions.addTo(b, utils);
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(TestKeys.signatureAlgorithm(issuerKey))
                            .build(issuerKey.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a test certificate for " + subject, e);
        }
    }
}
