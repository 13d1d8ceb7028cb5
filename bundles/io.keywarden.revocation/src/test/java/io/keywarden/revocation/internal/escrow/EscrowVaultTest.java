package io.keywarden.revocation.internal.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.pem.Pem;

/**
 * Escrow deposits judged at import, pinned per gateway, re-verified; with a CA that knows which key binds which account.
 * The deposits in H2 here, in PostgreSQL in {@link EscrowVaultPostgresTest}.
 */
class EscrowVaultTest {
    private static final String DIRECTORY = "https://ca.example/dir";
    private static final String ACCT1 = "https://ca.example/acct/1";
    private static final String ACCT2 = "https://ca.example/acct/2";

    @TempDir
    Path dir;

    private final KeyPair authority = ec();
    private final Ca ca = new Ca();
    private final List<String> incidents = new ArrayList<>();
    private final MovableClock clock = new MovableClock();
    private Path deposits;
    private EscrowVault vault;

    private TestStores stores;
    private final List<Database> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        deposits = Files.createDirectories(dir.resolve("deposits"));
        stores = newStores(dir);
        vault = vault(new EscrowVault.Bounds(Duration.ofSeconds(30), 8));
    }

    /** The database the vaults of a test share (each on a connection pool of its own). */
    TestStores newStores(Path dir) throws Exception {
        return TestStores.h2(dir);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Database::close);
        stores.close();
    }

    // each vault on a connection pool of its own: a second one is the authority restarted, or another instance
    private EscrowVault vault(EscrowVault.Bounds bounds) throws Exception {
        return vault(bounds, deposits);
    }

    private EscrowVault vault(EscrowVault.Bounds bounds, Path depositDir) throws Exception {
        Database db = stores.open();
        opened.add(db);
        return new EscrowVault(
                authority.getPrivate(),
                depositDir,
                new JdbcDepositStore(db, clock),
                ca,
                (kind, gw, detail) -> incidents.add(kind + " " + gw + ": " + detail),
                clock,
                bounds);
    }

    @Test
    void aDepositWhoseKeyControlsItsAccountIsPinnedAndSurvivesARestart() throws Exception {
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw1", ACCT1, k1, k1);
        assertEquals(1, vault.scan());
        assertEquals(Optional.of(ACCT1), vault.accountOf("gw1"));
        assertEquals(k1.getPublic(), vault.keyFor(ACCT1).orElseThrow().getPublic());
        assertEquals(List.of(), incidents);
        assertEquals(1, ca.proofs);

        EscrowVault again = vault(new EscrowVault.Bounds(Duration.ofSeconds(30), 8));
        assertEquals(Optional.of(ACCT1), again.accountOf("gw1"));
        assertEquals(0, again.scan(), "the same deposit is not proven again at import");
        assertEquals(1, ca.proofs);
    }

    @Test
    void aDepositAcceptedByOneInstanceIsUsedByAnotherThatNeverSawItWithoutAnotherProof() throws Exception {
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw1", ACCT1, k1, k1);
        assertEquals(1, vault.scan());
        EscrowVault other = vault(
                new EscrowVault.Bounds(Duration.ofSeconds(30), 8), Files.createDirectories(dir.resolve("elsewhere")));
        assertEquals(Optional.of(ACCT1), other.accountOf("gw1"));
        assertEquals(k1.getPublic(), other.keyFor(ACCT1).orElseThrow().getPublic());
        assertEquals(1, ca.proofs, "proven once, by the instance the deposit reached");
    }

    @Test
    void anInstanceLearnsOfADepositAnotherAcceptedAfterItStarted() throws Exception {
        EscrowVault other = vault(
                new EscrowVault.Bounds(Duration.ofSeconds(30), 8), Files.createDirectories(dir.resolve("elsewhere")));
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw1", ACCT1, k1, k1);
        assertEquals(1, vault.scan());
        assertEquals(k1.getPublic(), other.keyFor(ACCT1).orElseThrow().getPublic());
        assertEquals(Optional.of(ACCT1), other.accountOf("gw1"));
        assertEquals(1, ca.proofs);
    }

    @Test
    void aKeyThatDoesNotControlTheClaimedAccountIsRefusedAtImportOnce() throws Exception {
        ca.register(ACCT1);
        KeyPair own = ec();
        deposit("gw2", "gw2", ACCT1, own, own);
        assertEquals(0, vault.scan());
        assertTrue(vault.keyFor(ACCT1).isEmpty());
        assertTrue(vault.accountOf("gw2").isEmpty());
        assertEquals(1, incidents.size(), incidents.toString());
        assertTrue(incidents.get(0).startsWith("ESCROW_REFUSED gw2: "), incidents.toString());
        assertTrue(incidents.get(0).contains("does not control account " + ACCT1), incidents.toString());
        clock.advance(Duration.ofMinutes(5));
        vault.scan();
        assertEquals(1, incidents.size(), "the same refused bytes are neither judged nor reported again");
        assertEquals(1, ca.proofs);
        vault(new EscrowVault.Bounds(Duration.ofSeconds(30), 8)).scan();
        assertEquals(1, incidents.size(), "nor after a restart");
        assertEquals(1, ca.proofs);
    }

    @Test
    void anAccountPinnedByOneGatewayIsNeverAcceptedForAnother() throws Exception {
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw1", ACCT1, k1, k1);
        vault.scan();
        // even with the real key (another gateway stole it): the account stays gw1's
        deposit("gw2", "gw2", ACCT1, k1, k1);
        assertEquals(0, vault.scan());
        assertTrue(vault.accountOf("gw2").isEmpty());
        assertTrue(incidents.get(0).contains("pinned to gateway gw1"), incidents.toString());
        assertEquals(1, ca.proofs, "refused before the CA is asked");
    }

    @Test
    void depositsWithoutAValidProofAreRefusedWithoutAskingTheCa() throws Exception {
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw-other", ACCT1, k1, k1); // names another gateway than it is filed under
        deposit("gw3", "gw3", ACCT1, k1, ec()); // proof signed by another key
        Files.writeString(deposits.resolve("gw4" + EscrowDeposit.FILE_SUFFIX), "not.a.jwe.at.all");
        Map<String, Object> noProof = plain("gw5", ACCT1, k1);
        noProof.remove(EscrowDeposit.FIELD_PROOF);
        write("gw5", noProof);
        assertEquals(0, vault.scan());
        assertEquals(4, incidents.size(), incidents.toString());
        assertEquals(0, ca.proofs);
        assertTrue(String.join("\n", incidents).contains("names gateway 'gw-other', filed as gw1"));
        assertTrue(String.join("\n", incidents).contains("not signed by the deposited account key")
                || String.join("\n", incidents).contains("does not verify"));
        assertTrue(String.join("\n", incidents).contains("no proof signed with the account key"));
    }

    @Test
    void aNewDepositReplacesTheAcceptedOneOnlyIfItProvesControlToo() throws Exception {
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw1", ACCT1, k1, k1);
        vault.scan();
        clock.advance(Duration.ofSeconds(31));
        deposit("gw1", "gw1", ACCT2, ec(), null); // account 2 is not this key's
        vault.scan();
        assertEquals(Optional.of(ACCT1), vault.accountOf("gw1"), "an unproven deposit replaced the pinned one");
        clock.advance(Duration.ofSeconds(31));
        KeyPair k2 = ca.register(ACCT2);
        deposit("gw1", "gw1", ACCT2, k2, k2);
        assertEquals(1, vault.scan());
        assertEquals(Optional.of(ACCT2), vault.accountOf("gw1"));
        assertTrue(vault.keyFor(ACCT1).isEmpty(), "the replaced account is no longer served");
    }

    @Test
    void aKeyRolloverBehindTheAuthoritysBackIsAnIncidentOnce() throws Exception {
        KeyPair k1 = ca.register(ACCT1);
        deposit("gw1", "gw1", ACCT1, k1, k1);
        vault.scan();
        vault.reverify();
        assertEquals(List.of(), incidents);
        ca.keys.put(ACCT1, ec().getPublic()); // the gateway rolled its account key over
        vault.reverify();
        vault.reverify();
        assertEquals(1, incidents.size(), incidents.toString());
        assertTrue(incidents.get(0).startsWith("ESCROW_LOCKED_OUT gw1: "), incidents.toString());
        assertTrue(vault.isLockedOut("gw1"));
        int before = ca.proofs;
        vault.retire(ACCT1);
        vault.reverify();
        assertEquals(before, ca.proofs, "an account the authority deactivated is not asked about");
    }

    @Test
    void theCaWorkDepositsCauseIsBounded() throws Exception {
        for (int i = 0; i < 20; i++) {
            KeyPair k = ec();
            deposit("gw" + i, "gw" + i, "https://ca.example/acct/x" + i, k, k); // none controls its account
        }
        vault.scan();
        assertEquals(8, ca.proofs, "at most 8 proofs per scan");
        vault.scan();
        vault.scan();
        assertEquals(20, ca.proofs);
        // a gateway changing its deposit again and again gets one proof per interval
        for (int i = 0; i < 5; i++) {
            KeyPair k = ec();
            deposit("gw0", "gw0", "https://ca.example/acct/y" + i, k, k);
            vault.scan();
        }
        assertEquals(20, ca.proofs, "gw0 was proven less than 30 s ago");
        clock.advance(Duration.ofSeconds(31));
        vault.scan();
        assertEquals(21, ca.proofs);
    }

    // ---- deposits as a gateway (or an impostor) writes them -----------------------------------------------------

    private void deposit(String file, String gateway, String account, KeyPair key, KeyPair proofKey) throws Exception {
        Map<String, Object> p = plain(gateway, account, key);
        if (proofKey != null && proofKey != key) {
            p.put(EscrowDeposit.FIELD_PROOF, proof(gateway, account, (String) p.get("createdAt"), proofKey));
        }
        write(file, p);
    }

    private Map<String, Object> plain(String gateway, String account, KeyPair key) throws Exception {
        String created = Instant.now().toString();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(EscrowDeposit.FIELD_GATEWAY_ID, gateway);
        p.put(EscrowDeposit.FIELD_DIRECTORY_URL, DIRECTORY);
        p.put(EscrowDeposit.FIELD_ACCOUNT_URL, account);
        p.put(EscrowDeposit.FIELD_CREATED_AT, created);
        p.put(EscrowDeposit.FIELD_ACCOUNT_KEY, Pem.encodeKeyPair(key));
        p.put(EscrowDeposit.FIELD_PROOF, proof(gateway, account, created, key));
        return p;
    }

    private static String proof(String gateway, String account, String created, KeyPair key) throws Exception {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put(EscrowDeposit.FIELD_GATEWAY_ID, gateway);
        b.put(EscrowDeposit.FIELD_DIRECTORY_URL, DIRECTORY);
        b.put(EscrowDeposit.FIELD_ACCOUNT_URL, account);
        b.put(EscrowDeposit.FIELD_CREATED_AT, created);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(b));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKey(key.getPrivate());
        return jws.getCompactSerialization();
    }

    private void write(String file, Map<String, Object> plain) throws Exception {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setPlaintext(JsonUtil.toJson(plain));
        jwe.setAlgorithmHeaderValue(EscrowDeposit.EC_ALGORITHM);
        jwe.setEncryptionMethodHeaderParameter(EscrowDeposit.CONTENT_ENCRYPTION);
        jwe.setKey(authority.getPublic());
        Files.writeString(
                deposits.resolve(file + EscrowDeposit.FILE_SUFFIX),
                jwe.getCompactSerialization(),
                StandardCharsets.US_ASCII);
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA that binds one public key to each account and answers proofs as RFC 8555 servers do. */
    private static final class Ca implements CaOperations {
        final Map<String, PublicKey> keys = new HashMap<>();
        int proofs;

        KeyPair register(String account) {
            KeyPair k = ec();
            keys.put(account, k.getPublic());
            return k;
        }

        @Override
        public synchronized String verifyAccount(String directoryUrl, String accountUrl, KeyPair accountKey)
                throws CaOperationException {
            proofs++;
            if (!DIRECTORY.equals(directoryUrl) || !accountKey.getPublic().equals(keys.get(accountUrl))) {
                throw new CaOperationException(
                        "JWS verification error", null, false, "urn:ietf:params:acme:error:malformed", null);
            }
            return "valid";
        }

        @Override
        public List<List<X509Certificate>> listCertificates(String accountUrl, KeyPair accountKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RevocationOutcome revoke(
                CertificateRecord c, RevocationReason reason, RevocationRoute route, KeyPair key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deactivateAccount(String accountUrl, KeyPair accountKey) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
