package io.keywarden.testing.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Fresh key pairs from the JVM's own providers (so they work inside any OSGi framework without a BC provider). */
public final class TestKeys {
    private TestKeys() {}

    /** EC on P-256, what Keywarden and Pebble use by default. */
    public static KeyPair ec() {
        return ec("secp256r1");
    }

    /** EC on a named curve, e.g. secp384r1. */
    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC key on " + curve, e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key of " + bits + " bits", e);
        }
    }

    /** The JCA signature algorithm a key of this type signs certificates with. */
    static String signatureAlgorithm(KeyPair key) {
        return switch (key.getPrivate().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default ->
                throw new IllegalArgumentException(
                        "no certificate signature for a " + key.getPrivate().getAlgorithm() + " key");
        };
    }
}
