package io.keywarden.acme.internal.config;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;

import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.pem.Pem;

/** Reads the fleet authority's public key: a PEM PUBLIC KEY or CERTIFICATE block, inline or in a file. */
final class EscrowKeys {

    private EscrowKeys() {}

    static PublicKey parsePublicKey(String property, String value) throws InvalidConfigurationException {
        String pem;
        try {
            pem = Pem.pemOrFile(value);
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException(
                    property, "neither PEM text nor a readable file: " + value + " (" + e + ")");
        }
        try {
            return Pem.publicKey(pem);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(property, "unreadable key: " + e.getMessage());
        }
    }
}
