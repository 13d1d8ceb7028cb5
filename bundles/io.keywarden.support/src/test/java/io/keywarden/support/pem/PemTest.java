package io.keywarden.support.pem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
    @TempDir
    Path dir;

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    @Test
    void keyPairsOfBothTypesRoundTrip() throws Exception {
        for (KeyPair kp : new KeyPair[] {ec(), rsa()}) {
            KeyPair back = Pem.decodeKeyPair(Pem.encodeKeyPair(kp));
            assertArrayEquals(kp.getPrivate().getEncoded(), back.getPrivate().getEncoded());
            assertArrayEquals(kp.getPublic().getEncoded(), back.getPublic().getEncoded());
        }
    }

    @Test
    void blocksAreSixtyFourColumnsAndFoundAmongOtherText() throws Exception {
        KeyPair kp = rsa();
        String pem = Pem.encode("PUBLIC KEY", kp.getPublic().getEncoded());
        assertTrue(pem.lines().allMatch(l -> l.length() <= 64), pem);
        String noisy = "comment\n" + Pem.encode("OTHER", new byte[] {1}) + pem + "trailer";
        assertArrayEquals(kp.getPublic().getEncoded(), Pem.publicKey(noisy).getEncoded());
        assertArrayEquals(new byte[] {1}, Pem.decodeOne(noisy, "OTHER"));
    }

    @Test
    void wrongOrMissingBlocksAreClearErrors() throws Exception {
        KeyPair kp = ec();
        String pub = Pem.encode("PUBLIC KEY", kp.getPublic().getEncoded());
        InvalidKeySpecException e = assertThrows(InvalidKeySpecException.class, () -> Pem.privateKey(pub));
        assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
        assertThrows(InvalidKeySpecException.class, () -> Pem.publicKey(pub + pub));
        assertThrows(InvalidKeySpecException.class, () -> Pem.publicKey(Pem.encode("PUBLIC KEY", new byte[] {1, 2})));
        assertThrows(IllegalArgumentException.class, () -> Pem.decodeOne(pub, "CERTIFICATE"));
    }

    @Test
    void aValueIsPemTextOrTheFileItNames() throws Exception {
        String pem = Pem.encode("PUBLIC KEY", ec().getPublic().getEncoded());
        Path file = dir.resolve("k.pem");
        Files.writeString(file, pem);
        assertEquals(pem.trim(), Pem.pemOrFile("  " + pem));
        assertEquals(pem, Pem.pemOrFile(file.toString()));
    }
}
