package io.keywarden.revocation.internal.escrow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.revocation.internal.escrow.DepositOpener.Deposit;
import io.keywarden.revocation.internal.escrow.DepositOpener.RefusedDeposit;

/**
 * The fleet authority's side of escrow. A deposit found in the deposit directory is accepted only once its proof
 * verifies ({@link DepositOpener}) and the CA confirms, to an authenticated request signed with the deposited key,
 * that the key controls the named account; otherwise it is refused, loudly (log and incident), at import. One
 * account is pinned per gateway, and an account pinned by one gateway is never accepted for another. Accepted
 * deposits are recorded in the {@link DepositStore} (the authority's database, shared by its instances: a deposit
 * accepted by one is used by all) and re-verified periodically: a key rollover behind the authority's back locks the
 * escrow out and is an incident. Keys are opened in memory only and never logged.
 */
public final class EscrowVault {
    private static final Logger LOG = LoggerFactory.getLogger(EscrowVault.class);

    /** Incident kinds. */
    public static final String ESCROW_REFUSED = "ESCROW_REFUSED";

    public static final String ESCROW_LOCKED_OUT = "ESCROW_LOCKED_OUT";

    /** Where refusals and lock-outs go (audit and event). */
    public interface Incidents {
        void raise(String kind, String gatewayId, String detail);
    }

    /** How much CA work deposits may cause: per gateway at most one proof per interval, and per scan at most so many. */
    public record Bounds(Duration proofInterval, int proofsPerScan) {}

    private final DepositOpener opener;
    private final Path depositDir;
    private final DepositStore store;
    private final CaOperations ca;
    private final Incidents incidents;
    private final Clock clock;
    private final Bounds bounds;
    private final Map<String, Deposit> pins = new ConcurrentHashMap<>();
    private final Map<String, String> gatewayOfAccount = new ConcurrentHashMap<>();
    /** Per gateway, the digest of the last deposit refused: the same bytes are not judged (nor sent to the CA) again. */
    private final Map<String, String> refused = new ConcurrentHashMap<>();

    private final Map<String, Instant> lastProof = new ConcurrentHashMap<>();
    private final Set<String> lockedOut = ConcurrentHashMap.newKeySet();
    private final Set<String> retired = ConcurrentHashMap.newKeySet();
    private final Object scanLock = new Object();

    public EscrowVault(
            PrivateKey authorityKey,
            Path depositDir,
            DepositStore store,
            CaOperations ca,
            Incidents incidents,
            Clock clock,
            Bounds bounds)
            throws IOException {
        this.opener = new DepositOpener(authorityKey);
        this.depositDir = depositDir;
        this.store = store;
        this.ca = ca;
        this.incidents = incidents;
        this.clock = clock;
        this.bounds = bounds;
        loadAccepted();
    }

    /** The deposits accepted in an earlier run were proven then; they are re-verified at the next period. */
    private void loadAccepted() throws IOException {
        refused.putAll(store.refused());
        for (Map.Entry<String, byte[]> e : store.accepted().entrySet()) {
            pinStored(e.getKey(), e.getValue());
        }
    }

    private boolean pinStored(String gateway, byte[] content) {
        try {
            pin(opener.open(gateway, content, digest(content)));
            return true;
        } catch (RefusedDeposit e) {
            LOG.error("Accepted escrow deposit of {} no longer opens ({}): left out", gateway, e.getMessage());
            return false;
        }
    }

    /** A deposit another instance of the database accepted (it arrived there): proven there, pinned here too. */
    private void adoptStored(String accountUrl) {
        try {
            Optional<String> gateway = store.gatewayOfAccount(accountUrl);
            if (gateway.isPresent()) {
                store.accepted(gateway.get()).ifPresent(content -> pinStored(gateway.get(), content));
            }
        } catch (IOException e) {
            LOG.warn("Escrow: cannot read the deposit of {} from the database: {}", accountUrl, e.toString());
        }
    }

    /**
     * Judges new or changed deposits in the deposit directory (bounded, see {@link Bounds}); returns how many were
     * accepted. A deposit whose proof the CA could not be asked about now stays for a later scan.
     */
    public int scan() {
        synchronized (scanLock) {
            if (!Files.isDirectory(depositDir)) {
                return 0;
            }
            int proofs = 0;
            int accepted = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(depositDir, "*" + EscrowDeposit.FILE_SUFFIX)) {
                for (Path f : ds) {
                    if (proofs >= bounds.proofsPerScan()) {
                        LOG.debug("Escrow: {} proofs this scan, the rest waits for the next", proofs);
                        break;
                    }
                    Boolean done = judge(f);
                    if (done != null) {
                        proofs++;
                        accepted += done ? 1 : 0;
                    }
                }
            } catch (IOException e) {
                LOG.warn("Cannot read escrow deposits in {}: {}", depositDir, e.toString());
            }
            return accepted;
        }
    }

    /** Null when nothing was asked of the CA; else whether the deposit was accepted. */
    private Boolean judge(Path f) throws IOException {
        String gateway = gatewayOf(f);
        if (Files.size(f) > DepositOpener.MAX_BYTES) {
            byte[] head = ("oversized:" + Files.size(f)).getBytes(StandardCharsets.US_ASCII);
            return refuseOnce(gateway, digest(head), "larger than " + DepositOpener.MAX_BYTES + " bytes")
                    ? false
                    : null;
        }
        byte[] content = Files.readAllBytes(f);
        String digest = digest(content);
        Deposit current = pins.get(gateway);
        if ((current != null && current.digest().equals(digest)) || digest.equals(refused.get(gateway))) {
            return null;
        }
        Instant now = clock.instant();
        Instant last = lastProof.get(gateway);
        if (last != null && now.isBefore(last.plus(bounds.proofInterval()))) {
            return null; // this gateway's deposits are proven at most once per interval
        }
        Deposit d;
        try {
            d = opener.open(gateway, content, digest);
        } catch (RefusedDeposit e) {
            return refuseOnce(gateway, digest, e.getMessage()) ? false : null;
        }
        String owner = gatewayOfAccount.get(d.accountUrl());
        if (owner != null && !owner.equals(gateway)) {
            return refuseOnce(gateway, digest, "names account " + d.accountUrl() + ", pinned to gateway " + owner)
                    ? false
                    : null;
        }
        lastProof.put(gateway, now);
        try {
            String status = ca.verifyAccount(d.directoryUrl(), d.accountUrl(), d.accountKey());
            if (!"valid".equals(status)) {
                refuseOnce(gateway, digest, "the CA says account " + d.accountUrl() + " is " + status);
                return false;
            }
        } catch (CaOperationException e) {
            if (e.isTransient()) {
                LOG.warn("Escrow deposit of {}: cannot ask the CA now, proving later: {}", gateway, e.getMessage());
                return false; // the CA was asked: it counts against this scan's bound
            }
            refuseOnce(
                    gateway,
                    digest,
                    "the key does not control account " + d.accountUrl() + " at the CA: " + e.getMessage());
            return false;
        }
        accept(gateway, d, content, current);
        return true;
    }

    private void accept(String gateway, Deposit d, byte[] content, Deposit replaced) throws IOException {
        store.accept(gateway, d.accountUrl(), digest(content), content);
        if (replaced != null && !replaced.accountUrl().equals(d.accountUrl())) {
            LOG.warn(
                    "Escrow of {}: account {} replaced by {} (the new key proved control at the CA)",
                    gateway,
                    replaced.accountUrl(),
                    d.accountUrl());
            gatewayOfAccount.remove(replaced.accountUrl(), gateway);
        }
        pin(d);
        refused.remove(gateway);
        lockedOut.remove(gateway);
        LOG.info("Escrow deposit of {} accepted: the CA confirms its key controls {}", gateway, d.accountUrl());
    }

    private void pin(Deposit d) {
        pins.put(d.gatewayId(), d);
        gatewayOfAccount.put(d.accountUrl(), d.gatewayId());
    }

    private boolean refuseOnce(String gateway, String digest, String why) {
        if (digest.equals(refused.put(gateway, digest))) {
            return false;
        }
        try {
            // kept, so that the same bytes are neither proven nor reported again after a restart
            store.refuse(gateway, digest);
        } catch (IOException e) {
            LOG.warn("Cannot record the refusal of {}'s deposit: {}", gateway, e.toString());
        }
        String detail = "escrow deposit of " + gateway + " refused: " + why;
        LOG.error("{}", detail);
        incidents.raise(ESCROW_REFUSED, gateway, detail);
        return true;
    }

    /**
     * Asks the CA again whether every pinned key still controls its account. A definitive no (the key was rolled
     * over, the account is gone) is an incident, raised once until the deposit proves itself again; an account
     * this authority deactivated is left alone.
     */
    public void reverify() {
        for (Deposit d : pins.values()) {
            if (retired.contains(d.accountUrl())) {
                continue;
            }
            String gateway = d.gatewayId();
            try {
                String status = ca.verifyAccount(d.directoryUrl(), d.accountUrl(), d.accountKey());
                if ("valid".equals(status)) {
                    if (lockedOut.remove(gateway)) {
                        LOG.info("Escrow of {}: the key controls {} again", gateway, d.accountUrl());
                    }
                    continue;
                }
                lockOut(d, "the CA says account " + d.accountUrl() + " is " + status);
            } catch (CaOperationException e) {
                if (e.isTransient()) {
                    LOG.warn("Escrow of {}: re-verification postponed: {}", gateway, e.getMessage());
                } else {
                    lockOut(d, "the escrowed key no longer controls account " + d.accountUrl() + ": " + e.getMessage());
                }
            }
        }
    }

    private void lockOut(Deposit d, String why) {
        if (lockedOut.add(d.gatewayId())) {
            String detail = "escrow of " + d.gatewayId() + " locked out: " + why;
            LOG.error("{}", detail);
            incidents.raise(ESCROW_LOCKED_OUT, d.gatewayId(), detail);
        }
    }

    /** An account this authority deactivated: no longer re-verified (the CA refuses it now, as it should). */
    public void retire(String accountUrl) {
        retired.add(accountUrl);
    }

    /** The escrowed key of an account pinned by a proven deposit; judges waiting deposits first. */
    public Optional<KeyPair> keyFor(String accountUrl) {
        if (!gatewayOfAccount.containsKey(accountUrl)) {
            scan();
        }
        if (!gatewayOfAccount.containsKey(accountUrl)) {
            adoptStored(accountUrl);
        }
        return Optional.ofNullable(gatewayOfAccount.get(accountUrl))
                .map(pins::get)
                .map(Deposit::accountKey);
    }

    /** The account pinned for a gateway by this or another instance (no CA call). */
    public Optional<String> accountOf(String gatewayId) {
        if (!pins.containsKey(gatewayId)) {
            try {
                store.accepted(gatewayId).ifPresent(content -> pinStored(gatewayId, content));
            } catch (IOException e) {
                LOG.warn("Escrow: cannot read the deposit of {} from the database: {}", gatewayId, e.toString());
            }
        }
        return Optional.ofNullable(pins.get(gatewayId)).map(Deposit::accountUrl);
    }

    /** Whether the gateway's escrow is locked out (its last re-verification failed). */
    public boolean isLockedOut(String gatewayId) {
        return lockedOut.contains(gatewayId);
    }

    private static String gatewayOf(Path f) {
        String name = f.getFileName().toString();
        return name.substring(0, name.length() - EscrowDeposit.FILE_SUFFIX.length());
    }

    private static String digest(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
