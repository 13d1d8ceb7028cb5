package io.keywarden.acme.internal.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.pem.Pem;

/**
 * Deposits the gateway's ACME account key with the fleet authority, encrypted to the authority's public key (format:
 * {@link EscrowDeposit}). Only the holder of the authority's private key can read it, and that holder can then act
 * as this account: that is the price of letting the authority revoke and deactivate after a compromise.
 */
public final class EscrowDepositor {
    private final PublicKey authorityKey;
    private final Path depositDir;

    public EscrowDepositor(PublicKey authorityKey, Path depositDir) {
        this.authorityKey = authorityKey;
        this.depositDir = depositDir;
    }

    /** Writes (or replaces) {@code <gateway id>.escrow.jwe} atomically; the file is readable by its owner only. */
    public Path deposit(String gatewayId, String directoryUrl, String accountUrl, KeyPair accountKey)
            throws IOException {
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put(EscrowDeposit.FIELD_GATEWAY_ID, gatewayId);
        binding.put(EscrowDeposit.FIELD_DIRECTORY_URL, directoryUrl);
        binding.put(EscrowDeposit.FIELD_ACCOUNT_URL, accountUrl);
        binding.put(EscrowDeposit.FIELD_CREATED_AT, Instant.now().toString());
        Map<String, Object> content = new LinkedHashMap<>(binding);
        content.put(EscrowDeposit.FIELD_ACCOUNT_KEY, Pem.encodeKeyPair(accountKey));
        content.put(EscrowDeposit.FIELD_PROOF, sign(binding, accountKey));
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setPlaintext(JsonUtil.toJson(content));
        jwe.setAlgorithmHeaderValue(
                authorityKey instanceof ECPublicKey ? EscrowDeposit.EC_ALGORITHM : EscrowDeposit.RSA_ALGORITHM);
        jwe.setEncryptionMethodHeaderParameter(EscrowDeposit.CONTENT_ENCRYPTION);
        jwe.setKey(authorityKey);
        String compact;
        try {
            compact = jwe.getCompactSerialization();
        } catch (JoseException e) {
            throw new IOException("cannot encrypt the escrow deposit to the authority's key: " + e.getMessage(), e);
        }
        Path file = depositDir.resolve(StateStore.checkDeviceId(gatewayId) + EscrowDeposit.FILE_SUFFIX);
        DurableFiles.write(file, compact.getBytes(StandardCharsets.US_ASCII), true);
        return file;
    }

    /**
     * The binding of gateway, directory and account, signed with the account key itself: whoever made the deposit
     * held that key when naming this gateway and account (the authority then asks the CA whether the key controls
     * the account).
     */
    static String sign(Map<String, Object> binding, KeyPair accountKey) throws IOException {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(JsonUtil.toJson(binding));
            jws.setAlgorithmHeaderValue(JwsKeys.algorithm(accountKey.getPrivate()));
            jws.setKey(accountKey.getPrivate());
            return jws.getCompactSerialization();
        } catch (JoseException | GeneralSecurityException e) {
            throw new IOException("cannot sign the escrow deposit with the account key: " + e.getMessage(), e);
        }
    }
}
