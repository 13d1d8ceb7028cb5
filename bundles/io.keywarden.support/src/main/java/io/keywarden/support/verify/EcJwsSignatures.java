package io.keywarden.support.verify;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * The signature of a compact JWS signed with ES256, ES384 or ES512 (RFC 7518 §3.4), checked with Bouncy Castle's EC
 * code rather than the JDK's provider: on a gateway's JVM (C1 only) JDK 17's P-256 verification takes 2-5 ms and Bouncy
 * Castle's, with its fixed-point tables for the curve's generator, well under 1 ms. Both check the same signature
 * over the same signing input; decoding the key checks that its point lies on its curve, and {@link ECDSASigner}
 * refuses r or s outside [1, n-1]. No provider is registered or looked up: Kura's Bouncy Castle is used as a library.
 * The caller chooses the algorithm from the key (never from the JWS header) and refuses a header that names another;
 * headers this class does not understand ({@code crit}) are for jose4j's own path.
 */
public final class EcJwsSignatures {
    private EcJwsSignatures() {}

    /** Whether this class checks signatures of that algorithm. */
    public static boolean handles(String alg) {
        return "ES256".equals(alg) || "ES384".equals(alg) || "ES512".equals(alg);
    }

    /**
     * Whether the compact JWS's signature verifies with the key.
     *
     * @param alg the algorithm the key signs with ({@link #handles}): ES256 for P-256, ES384 for P-384, ES512 for P-521
     * @throws IOException the key is no EC key of that algorithm's curve
     */
    public static boolean verify(String compactJws, PublicKey key, String alg) throws IOException {
        int field = switch (alg) {
            case "ES256" -> 256;
            case "ES384" -> 384;
            case "ES512" -> 521;
            default -> throw new IOException("not an ECDSA JWS algorithm: " + alg);
        };
        AsymmetricKeyParameter parsed;
        try {
            parsed = PublicKeyFactory.createKey(key.getEncoded());
        } catch (IOException | RuntimeException e) {
            throw new IOException("not an EC public key: " + e.getMessage(), e);
        }
        if (!(parsed instanceof ECPublicKeyParameters ec)
                || ec.getParameters().getCurve().getFieldSize() != field) {
            throw new IOException("the key is not on the curve of " + alg);
        }
        String[] parts = compactJws.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int half = (field + 7) / 8;
        if (signature.length != 2 * half) {
            return false; // JWS carries r and s as two fixed-size big-endian octet strings, not DER
        }
        Digest digest = field == 256 ? new SHA256Digest() : field == 384 ? new SHA384Digest() : new SHA512Digest();
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        digest.update(input, 0, input.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, ec);
        return verifier.verifySignature(
                hash,
                new BigInteger(1, Arrays.copyOfRange(signature, 0, half)),
                new BigInteger(1, Arrays.copyOfRange(signature, half, 2 * half)));
    }
}
