package io.keywarden.revocation.internal.escrow;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.pem.Pem;

/**
 * Opens one escrow deposit with the authority's private key and checks what can be checked without the CA: the
 * deposit names the gateway it was filed under, and its proof (a JWS by the deposited account key over gateway,
 * directory, account and time) verifies with that key and repeats exactly those fields. Whether the key controls
 * the account is the CA's to say ({@link EscrowVault}).
 */
final class DepositOpener {
    /** A deposit is a key and four short fields; anything much larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    private static final List<String> BOUND = List.of(
            EscrowDeposit.FIELD_GATEWAY_ID,
            EscrowDeposit.FIELD_DIRECTORY_URL,
            EscrowDeposit.FIELD_ACCOUNT_URL,
            EscrowDeposit.FIELD_CREATED_AT);

    /** An opened deposit whose proof verified; {@code digest} identifies the file's exact bytes. */
    record Deposit(
            String gatewayId,
            String directoryUrl,
            String accountUrl,
            KeyPair accountKey,
            Instant createdAt,
            String digest) {
        @Override
        public String toString() {
            return "deposit of " + gatewayId + " for account " + accountUrl; // never the key
        }
    }

    /** Why a deposit is refused before the CA is asked. */
    static final class RefusedDeposit extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedDeposit(String message) {
            super(message);
        }
    }

    private final PrivateKey authorityKey;

    DepositOpener(PrivateKey authorityKey) {
        this.authorityKey = authorityKey;
    }

    Deposit open(String fileGatewayId, byte[] content, String digest) throws RefusedDeposit {
        if (content.length > MAX_BYTES) {
            throw new RefusedDeposit("larger than " + MAX_BYTES + " bytes");
        }
        Map<String, Object> plain;
        try {
            plain = JsonUtil.parseJson(decrypt(new String(content, java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (JoseException | RuntimeException e) {
            throw new RefusedDeposit("cannot be opened with the authority's key: " + e.getMessage());
        }
        for (String f : BOUND) {
            if (!(plain.get(f) instanceof String)) {
                throw new RefusedDeposit("field '" + f + "' missing or not a string");
            }
        }
        String gateway = (String) plain.get(EscrowDeposit.FIELD_GATEWAY_ID);
        if (!gateway.equals(fileGatewayId)) {
            throw new RefusedDeposit("names gateway '" + gateway + "', filed as " + fileGatewayId);
        }
        KeyPair key;
        try {
            key = Pem.decodeKeyPair(String.valueOf(plain.get(EscrowDeposit.FIELD_ACCOUNT_KEY)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RefusedDeposit("account key unreadable: " + e.getMessage());
        }
        checkProof(plain, key);
        try {
            return new Deposit(
                    gateway,
                    (String) plain.get(EscrowDeposit.FIELD_DIRECTORY_URL),
                    (String) plain.get(EscrowDeposit.FIELD_ACCOUNT_URL),
                    key,
                    Instant.parse((String) plain.get(EscrowDeposit.FIELD_CREATED_AT)),
                    digest);
        } catch (DateTimeParseException e) {
            throw new RefusedDeposit("createdAt is not an ISO-8601 instant");
        }
    }

    private String decrypt(String compact) throws JoseException {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setAlgorithmConstraints(new AlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT, EscrowDeposit.EC_ALGORITHM, EscrowDeposit.RSA_ALGORITHM));
        jwe.setContentEncryptionAlgorithmConstraints(
                new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, EscrowDeposit.CONTENT_ENCRYPTION));
        jwe.setCompactSerialization(compact.trim());
        jwe.setKey(authorityKey);
        return jwe.getPlaintextString();
    }

    /** The account key signed exactly these fields: a deposit cannot borrow another deposit's key or names. */
    private static void checkProof(Map<String, Object> plain, KeyPair key) throws RefusedDeposit {
        if (!(plain.get(EscrowDeposit.FIELD_PROOF) instanceof String proof)) {
            throw new RefusedDeposit("no proof signed with the account key (deposit format before 1.1)");
        }
        Map<String, Object> signed;
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setAlgorithmConstraints(JwsKeys.permitOnly(key.getPublic()));
            jws.setCompactSerialization(proof);
            jws.setKey(key.getPublic());
            if (!jws.verifySignature()) {
                throw new RefusedDeposit("the proof is not signed by the deposited account key");
            }
            signed = JsonUtil.parseJson(jws.getPayload());
        } catch (JoseException | GeneralSecurityException | RuntimeException e) {
            throw new RefusedDeposit("the proof does not verify with the deposited account key: " + e.getMessage());
        }
        for (String f : BOUND) {
            if (!plain.get(f).equals(signed.get(f))) {
                throw new RefusedDeposit("the proof signs another '" + f + "' than the deposit names");
            }
        }
        if (!Arrays.equals(
                signed.keySet().stream().sorted().toArray(),
                BOUND.stream().sorted().toArray())) {
            throw new RefusedDeposit("the proof signs other fields than gateway, directory, account and time");
        }
    }
}
