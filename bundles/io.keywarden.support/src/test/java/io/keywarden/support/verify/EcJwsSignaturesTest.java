package io.keywarden.support.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;

import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.keywarden.testing.pki.TestKeys;

/** Bouncy Castle's ECDSA check of a JWS agrees with jose4j's (the JDK's) on what verifies and what does not. */
class EcJwsSignaturesTest {

    private static String sign(KeyPair key, String alg, String payload) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(alg);
        jws.setKey(key.getPrivate());
        return jws.getCompactSerialization();
    }

    private static boolean jose4j(String compact, KeyPair key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(compact);
        jws.setKey(key.getPublic());
        return jws.verifySignature();
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, ES256", "secp384r1, ES384", "secp521r1, ES512"})
    void agreesWithJose4jOnGoodAndTamperedSignatures(String curve, String alg) throws Exception {
        KeyPair key = TestKeys.ec(curve);
        for (int i = 0; i < 20; i++) {
            String good = sign(key, alg, "{\"n\":" + i + "}");
            assertTrue(EcJwsSignatures.verify(good, key.getPublic(), alg));
            assertTrue(jose4j(good, key));

            String[] parts = good.split("\\.");
            String otherPayload = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("{\"n\":" + (i + 1) + "}").getBytes(StandardCharsets.UTF_8));
            String tampered = parts[0] + "." + otherPayload + "." + parts[2];
            assertFalse(EcJwsSignatures.verify(tampered, key.getPublic(), alg));
            assertFalse(jose4j(tampered, key));
        }
        String good = sign(key, alg, "{}");
        assertFalse(EcJwsSignatures.verify(good, TestKeys.ec(curve).getPublic(), alg), "another key of the same curve");
        String cut = good.substring(0, good.length() - 4);
        assertFalse(EcJwsSignatures.verify(cut, key.getPublic(), alg), "a signature of the wrong length");
        assertFalse(EcJwsSignatures.verify(cut + "!!!!", key.getPublic(), alg), "not base64url");
        assertFalse(EcJwsSignatures.verify(good + ".x", key.getPublic(), alg), "not three parts");
    }

    @Test
    void aSignatureOfZerosOrTheGroupOrderIsRefused() throws Exception {
        KeyPair key = TestKeys.ec("secp256r1");
        String[] parts = sign(key, "ES256", "{}").split("\\.");
        String zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        assertFalse(EcJwsSignatures.verify(parts[0] + "." + parts[1] + "." + zeros, key.getPublic(), "ES256"));
    }

    @Test
    void aKeyOfAnotherCurveOrTypeIsAnErrorNotAnAnswer() {
        assertThrows(
                IOException.class,
                () -> EcJwsSignatures.verify("a.b.c", TestKeys.ec("secp384r1").getPublic(), "ES256"));
        assertThrows(
                IOException.class,
                () -> EcJwsSignatures.verify("a.b.c", TestKeys.rsa(2048).getPublic(), "ES256"));
        assertThrows(
                IOException.class,
                () -> EcJwsSignatures.verify("a.b.c", TestKeys.ec().getPublic(), "RS256"));
        assertEquals(false, EcJwsSignatures.handles("RS256"));
        assertEquals(false, EcJwsSignatures.handles("none"));
    }
}
