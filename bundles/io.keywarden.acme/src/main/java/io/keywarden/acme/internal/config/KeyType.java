package io.keywarden.acme.internal.config;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key algorithms the gateway can generate for itself and for sensors that cannot. */
public enum KeyType {
    EC_P256("secp256r1", 0),
    EC_P384("secp384r1", 0),
    RSA_2048(null, 2048),
    RSA_3072(null, 3072);

    private final String curve;
    private final int rsaBits;

    KeyType(String curve, int rsaBits) {
        this.curve = curve;
        this.rsaBits = rsaBits;
    }

    public KeyPair generate() {
        try {
            if (curve != null) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec(curve));
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(rsaBits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JRE cannot generate " + this + " keys", e);
        }
    }
}
