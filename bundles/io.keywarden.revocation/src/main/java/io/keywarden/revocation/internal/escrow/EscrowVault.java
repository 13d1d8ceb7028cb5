package io.keywarden.revocation.internal.escrow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.pem.Pem;

/**
 * The fleet authority's side of escrow: imports the gateways' deposits (encrypted JWE files) from the deposit
 * directory into its own data directory, and opens one with the authority's private key when a revocation needs
 * the account key. Keys are opened on demand and never logged.
 */
public final class EscrowVault {
    private static final Logger LOG = LoggerFactory.getLogger(EscrowVault.class);

    private final PrivateKey authorityKey;
    private final Path depositDir;
    private final Path importDir;
    private final Map<String, KeyPair> byAccount = new HashMap<>();

    public EscrowVault(PrivateKey authorityKey, Path depositDir, Path importDir) throws IOException {
        this.authorityKey = authorityKey;
        this.depositDir = depositDir;
        this.importDir = importDir;
        DurableFiles.createPrivateDirectories(importDir);
    }

    /** Copies new or changed deposits into the vault; returns how many were imported. */
    public synchronized int importDeposits() throws IOException {
        if (!Files.isDirectory(depositDir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(depositDir, "*" + EscrowDeposit.FILE_SUFFIX)) {
            for (Path f : ds) {
                byte[] content = Files.readAllBytes(f);
                Path target = importDir.resolve(f.getFileName());
                if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), content)) {
                    DurableFiles.write(target, content);
                    n++;
                }
            }
        }
        if (n > 0) {
            LOG.info("Imported {} escrow deposit(s) from {}", n, depositDir);
            byAccount.clear();
        }
        return n;
    }

    /**
     * The escrowed key of the account. Deposits may arrive at any time (the fleet bundle writes those it collects
     * over MQTT into the deposit directory), so new or changed ones are imported on every call, without a restart.
     */
    public synchronized Optional<KeyPair> keyFor(String accountUrl) {
        try {
            if (importDeposits() > 0 || !byAccount.containsKey(accountUrl)) {
                openAll();
            }
        } catch (IOException e) {
            LOG.warn("Cannot read escrow deposits: {}", e.toString());
        }
        return Optional.ofNullable(byAccount.get(accountUrl));
    }

    private void openAll() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(importDir, "*" + EscrowDeposit.FILE_SUFFIX)) {
            for (Path f : ds) {
                try {
                    Map<String, Object> deposit = open(Files.readString(f, StandardCharsets.US_ASCII));
                    byAccount.put(
                            String.valueOf(deposit.get(EscrowDeposit.FIELD_ACCOUNT_URL)),
                            Pem.decodeKeyPair(String.valueOf(deposit.get(EscrowDeposit.FIELD_ACCOUNT_KEY))));
                } catch (JoseException | GeneralSecurityException | RuntimeException e) {
                    LOG.warn(
                            "Escrow deposit {} cannot be opened with the authority's key: {}",
                            f.getFileName(),
                            e.getMessage());
                }
            }
        }
    }

    private Map<String, Object> open(String compact) throws JoseException {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setAlgorithmConstraints(new AlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT, EscrowDeposit.EC_ALGORITHM, EscrowDeposit.RSA_ALGORITHM));
        jwe.setContentEncryptionAlgorithmConstraints(
                new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, EscrowDeposit.CONTENT_ENCRYPTION));
        jwe.setCompactSerialization(compact.trim());
        jwe.setKey(authorityKey);
        return JsonUtil.parseJson(jwe.getPlaintextString());
    }
}
