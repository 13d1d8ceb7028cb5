package io.keywarden.acme.internal.challenge.dns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The dns-01 TXT value (RFC 8555 §8.4): base64url without padding of SHA-256 over the key authorization. */
final class TxtValue {

    private TxtValue() {}

    static String of(String keyAuthorization) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
