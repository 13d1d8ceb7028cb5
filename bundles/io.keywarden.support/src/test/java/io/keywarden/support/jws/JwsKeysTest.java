package io.keywarden.support.jws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;

import org.junit.jupiter.api.Test;

class JwsKeysTest {

    private static KeyPair generate(String alg, Object spec) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (spec instanceof Integer bits) {
            g.initialize(bits);
        } else if (spec != null) {
            g.initialize(new ECGenParameterSpec((String) spec));
        }
        return g.generateKeyPair();
    }

    @Test
    void eachCurveSignsWithItsOwnAlgorithmAndBothHalvesAgree() throws Exception {
        String[][] cases = {{"secp256r1", "ES256"}, {"secp384r1", "ES384"}, {"secp521r1", "ES512"}};
        for (String[] c : cases) {
            KeyPair kp = generate("EC", c[0]);
            assertEquals(c[1], JwsKeys.algorithm(kp.getPublic()));
            assertEquals(c[1], JwsKeys.algorithm(kp.getPrivate()));
            assertTrue(JwsKeys.ALLOWED.contains(c[1]));
        }
    }

    @Test
    void rsaNeedsAtLeast2048Bits() throws Exception {
        KeyPair ok = generate("RSA", 2048);
        assertEquals("RS256", JwsKeys.algorithm(ok.getPublic()));
        assertEquals("RS256", JwsKeys.algorithm(ok.getPrivate()));
        KeyPair weak = generate("RSA", 1024);
        InvalidKeySpecException e =
                assertThrows(InvalidKeySpecException.class, () -> JwsKeys.algorithm(weak.getPublic()));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
        assertThrows(InvalidKeySpecException.class, () -> JwsKeys.algorithm(weak.getPrivate()));
    }

    @Test
    void otherKeyTypesAreRefused() throws Exception {
        assertThrows(
                InvalidKeySpecException.class,
                () -> JwsKeys.algorithm(generate("Ed25519", null).getPublic()));
    }
}
