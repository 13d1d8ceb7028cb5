package io.keywarden.relyingparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A revocation notice as every gateway and relying party receives it over MQTT: the fuzzer's bytes are either the
 * message itself (first byte even), which must be rejected, or a payload (first byte odd) that the test signs with
 * the authority's key, so the payload checks behind the signature are reached. Only
 * {@link RejectedNoticeException} may come out. Regression inputs:
 * src/test/resources/io/keywarden/relyingparty/NoticeCodecFuzzTestInputs/notice/.
 */
class NoticeCodecFuzzTest {
    private static final String AUTHORITY = "fleet-authority";
    private static final KeyPair KEY = ecKey();

    @FuzzTest(maxDuration = "30s")
    void notice(byte[] input) throws JoseException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean signedByAuthority = (input[0] & 1) == 1;
        byte[] message = signedByAuthority
                ? sign(new String(rest, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII)
                : rest;
        Notice n;
        try {
            n = NoticeCodec.verify(message, KEY.getPublic(), AUTHORITY);
        } catch (RejectedNoticeException e) {
            return;
        }
        assertTrue(signedByAuthority, "a notice the fuzzer made up verifies with the authority's key");
        assertEquals(AUTHORITY, n.authority());
        assertFalse(n.serials().isEmpty(), "a notice without serials");
    }

    private static String sign(String payload) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(KEY.getPrivate());
        jws.setKeyIdHeaderValue(AUTHORITY);
        jws.setAlgorithmHeaderValue("ES256");
        return jws.getCompactSerialization();
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
