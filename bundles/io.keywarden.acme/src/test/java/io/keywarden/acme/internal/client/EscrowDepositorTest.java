package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.pem.Pem;

/** The deposit's proof: signed by the account key, over exactly gateway, directory, account and time. */
class EscrowDepositorTest {
    @TempDir
    Path dir;

    @Test
    void theDepositCarriesAProofSignedWithTheAccountKeyOverItsBinding() throws Exception {
        KeyPair authority = KeyType.EC_P256.generate();
        KeyPair account = KeyType.EC_P256.generate();
        Path file = new EscrowDepositor(authority.getPublic(), dir)
                .deposit("gw1.example", "https://ca.example/dir", "https://ca.example/acct/1", account);

        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setCompactSerialization(Files.readString(file, StandardCharsets.US_ASCII));
        jwe.setKey(authority.getPrivate());
        Map<String, Object> plain = JsonUtil.parseJson(jwe.getPlaintextString());
        assertEquals(
                account.getPublic(),
                Pem.decodeKeyPair((String) plain.get(EscrowDeposit.FIELD_ACCOUNT_KEY))
                        .getPublic());

        JsonWebSignature proof = new JsonWebSignature();
        proof.setAlgorithmConstraints(JwsKeys.permitOnly(account.getPublic()));
        proof.setCompactSerialization((String) plain.get(EscrowDeposit.FIELD_PROOF));
        proof.setKey(account.getPublic());
        assertTrue(proof.verifySignature(), "signed with the account key");
        Map<String, Object> signed = JsonUtil.parseJson(proof.getPayload());
        for (String f : List.of(
                EscrowDeposit.FIELD_GATEWAY_ID,
                EscrowDeposit.FIELD_DIRECTORY_URL,
                EscrowDeposit.FIELD_ACCOUNT_URL,
                EscrowDeposit.FIELD_CREATED_AT)) {
            assertEquals(plain.get(f), signed.get(f), f);
        }
        assertEquals(4, signed.size(), "the key is not inside the signed binding: " + signed.keySet());
        assertEquals("gw1.example", signed.get(EscrowDeposit.FIELD_GATEWAY_ID));
    }
}
