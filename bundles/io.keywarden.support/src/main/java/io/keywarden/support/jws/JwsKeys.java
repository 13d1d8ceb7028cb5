package io.keywarden.support.jws;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Set;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * The one key policy for everything Keywarden signs or verifies with JWS (revocation requests, fleet notices, gateway
 * inventories): EC on P-256, P-384 or P-521, or RSA of at least 2048 bits; each key signs with exactly one algorithm,
 * and a verifier permits only that one.
 */
public final class JwsKeys {
    public static final int MIN_RSA_BITS = 2048;
    /** Every algorithm the policy can yield. */
    public static final Set<String> ALLOWED = Set.of(
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
            AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512,
            AlgorithmIdentifiers.RSA_USING_SHA256);

    private JwsKeys() {}

    /** ES256/ES384/ES512 by curve size, RS256 for RSA of 2048 bits or more; anything else cannot sign. */
    public static String algorithm(Key key) throws InvalidKeySpecException {
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256 -> AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
                case 384 -> AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384;
                case 521 -> AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512;
                default -> throw new InvalidKeySpecException("unsupported EC curve of " + bits + " bits");
            };
        }
        if (key instanceof RSAKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new InvalidKeySpecException("RSA keys below " + MIN_RSA_BITS + " bits are not accepted");
            }
            return AlgorithmIdentifiers.RSA_USING_SHA256;
        }
        throw new InvalidKeySpecException("only EC and RSA keys sign, not " + key.getAlgorithm());
    }

    /** The constraints a verifier sets: the one algorithm the expected key signs with, nothing else. */
    public static AlgorithmConstraints permitOnly(Key key) throws InvalidKeySpecException {
        return new AlgorithmConstraints(ConstraintType.PERMIT, algorithm(key));
    }
}
