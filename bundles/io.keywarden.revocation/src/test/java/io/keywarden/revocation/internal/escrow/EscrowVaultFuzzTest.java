package io.keywarden.revocation.internal.escrow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * them in the deposit directory; the vault's {@link DepositOpener} decrypts and decodes them before any proof is
 * asked of the CA). The first byte chooses: odd, the rest is a plaintext the test encrypts to the authority's key as
 * a gateway would (reaching the JSON, PEM and proof decoding behind the decryption); even, the rest is the file as
 * it arrives. Only {@code RefusedDeposit} may escape, and no made-up input opens: a deposit must carry a proof signed
 * by the key inside it over the gateway it is filed under. Regression inputs:
 * src/test/resources/io/keywarden/revocation/internal/escrow/EscrowVaultFuzzTestInputs/deposit/.
 */
class EscrowVaultFuzzTest {
    private static final KeyPair AUTHORITY = ecKey();
    private static final DepositOpener OPENER = new DepositOpener(AUTHORITY.getPrivate());

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
        try {
            DepositOpener.Deposit opened = OPENER.open("gw-1", file, "digest");
            assertTrue(encryptedToAuthority, "a deposit the fuzzer made up opens to a key: " + opened);
        } catch (DepositOpener.RefusedDeposit expected) {
            // the documented outcome of a deposit that does not open or does not prove itself
        }
    }

    private static String encrypt(String plaintext) throws JoseException {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setPlaintext(plaintext);
        jwe.setAlgorithmHeaderValue(EscrowDeposit.EC_ALGORITHM);
        jwe.setEncryptionMethodHeaderParameter(EscrowDeposit.CONTENT_ENCRYPTION);
        jwe.setKey(AUTHORITY.getPublic());
        return jwe.getCompactSerialization();
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
