package io.keywarden.revocation.internal.request;

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

import io.keywarden.api.revocation.RevocationRequest;

/**
 * A revocation request as it arrives (Kura request handler, REST, Gogo, the inbox): the fuzzer's bytes are either
 * the compact JWS itself (first byte even), which must be refused as malformed or, once read, fail verification with
 * the requester's key; or a payload (first byte odd) that the test signs with the requester's key, so the payload
 * checks behind the signature are reached too. Only {@link MalformedRequestException} and
 * {@link BadSignatureException} may come out. Regression inputs:
 * src/test/resources/io/keywarden/revocation/internal/request/RequestCodecFuzzTestInputs/request/.
 */
class RequestCodecFuzzTest {
    private static final KeyPair REQUESTER = ecKey();

    @FuzzTest(maxDuration = "30s")
    void request(byte[] input) throws JoseException {
        if (input.length == 0) {
            return;
        }
        String text = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        boolean signedByRequester = (input[0] & 1) == 1;
        String compact = signedByRequester ? sign(text) : text;
        RequestCodec.Parsed parsed;
        try {
            parsed = RequestCodec.parse(compact);
        } catch (MalformedRequestException e) {
            return;
        }
        assertSane(parsed.claimed());
        try {
            RequestCodec.verify(parsed, REQUESTER.getPublic());
            assertTrue(signedByRequester, "a request the fuzzer made up verifies with the requester's key");
        } catch (BadSignatureException e) {
            assertFalse(signedByRequester, "a request signed with the requester's key is refused: " + e.getMessage());
        }
    }

    private static String sign(String payload) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(REQUESTER.getPrivate());
        jws.setAlgorithmHeaderValue("ES256");
        return jws.getCompactSerialization();
    }

    /** What the audit log, the log and the events get from a request: bounded, one line, no control characters. */
    private static void assertSane(RevocationRequest r) {
        for (String s :
                new String[] {r.getRequester(), r.getNonce(), r.getTarget().getValue()}) {
            assertFalse(s.isBlank(), "blank field accepted");
            assertTrue(s.length() <= 256, "field longer than 256 characters accepted");
            assertEquals(
                    -1, s.chars().filter(Character::isISOControl).findFirst().orElse(-1), "control character");
        }
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
