package io.keywarden.revocation.internal.escrow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.lang.JoseException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.api.ca.EscrowDeposit;

/**
 * Escrow deposits as the fleet authority opens them (a gateway publishes them over MQTT; the fleet bundle stores
 * them in the deposit directory; the vault imports and opens them). The first byte chooses: odd, the rest is a
 * plaintext the test encrypts to the authority's key as a gateway would (reaching the JSON and PEM decoding behind
 * the decryption); even, the rest is the file as it arrives, which must open to nothing. Nothing may escape the
 * vault: a deposit it cannot open is logged and skipped. Regression inputs:
 * src/test/resources/io/keywarden/revocation/internal/escrow/EscrowVaultFuzzTestInputs/deposit/.
 */
class EscrowVaultFuzzTest {
    private static final String ACCOUNT = "https://ca.test/acct/1";
    private static final KeyPair AUTHORITY = ecKey();
    private static final Path DIR = tempDir();
    private static final EscrowVault VAULT = vault();

    @FuzzTest(maxDuration = "30s")
    void deposit(byte[] input) throws IOException, JoseException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean encryptedToAuthority = (input[0] & 1) == 1;
        byte[] file = encryptedToAuthority
                ? encrypt(new String(rest, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII)
                : rest;
        Files.write(DIR.resolve("deposits/gw-1" + EscrowDeposit.FILE_SUFFIX), file);
        boolean opened = VAULT.keyFor(ACCOUNT).isPresent();
        assertTrue(encryptedToAuthority || !opened, "a deposit the fuzzer made up opens to a key");
    }

    private static String encrypt(String plaintext) throws JoseException {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setPlaintext(plaintext);
        jwe.setAlgorithmHeaderValue(EscrowDeposit.EC_ALGORITHM);
        jwe.setEncryptionMethodHeaderParameter(EscrowDeposit.CONTENT_ENCRYPTION);
        jwe.setKey(AUTHORITY.getPublic());
        return jwe.getCompactSerialization();
    }

    private static EscrowVault vault() {
        try {
            Files.createDirectories(DIR.resolve("deposits"));
            return new EscrowVault(AUTHORITY.getPrivate(), DIR.resolve("deposits"), DIR.resolve("vault"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("keywarden-fuzz-escrow");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
