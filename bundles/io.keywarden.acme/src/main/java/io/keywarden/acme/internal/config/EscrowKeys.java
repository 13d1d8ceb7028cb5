package io.keywarden.acme.internal.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

import io.keywarden.acme.internal.store.Pem;

/** Reads the fleet authority's public key: a PEM PUBLIC KEY or CERTIFICATE block, inline or in a file. */
final class EscrowKeys {

    private EscrowKeys() {
    }

    static PublicKey parsePublicKey(String property, String value) throws InvalidConfigurationException {
        String pem = value;
        if (!value.startsWith("-----BEGIN")) {
            try {
                pem = Files.readString(Paths.get(value), StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                throw new InvalidConfigurationException(property, "neither PEM text nor a readable file: " + value + " (" + e
                        + ")");
            }
        }
        try {
            List<byte[]> certs = Pem.decodeAll(pem, "CERTIFICATE");
            if (!certs.isEmpty()) {
                return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(certs.get(0)))
                        .getPublicKey();
            }
            List<byte[]> keys = Pem.decodeAll(pem, "PUBLIC KEY");
            if (keys.size() != 1) {
                throw new InvalidConfigurationException(property, "expected one PUBLIC KEY or CERTIFICATE PEM block");
            }
            for (String alg : new String[] { "EC", "RSA" }) {
                try {
                    return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(keys.get(0)));
                } catch (GeneralSecurityException notThisAlgorithm) {
                    // try the next one
                }
            }
            throw new InvalidConfigurationException(property, "neither an EC nor an RSA public key");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(property, "unreadable key: " + e.getMessage());
        }
    }
}
