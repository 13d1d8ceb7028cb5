package io.keywarden.revocation.internal.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;

/** The revocation policy, parsed and checked once; every error names its property. */
public final class PolicyOptions {
    public static final String PID = "io.keywarden.revocation";

    public static final String KEY_ROUTES = "routes";
    public static final String KEY_SKEW = "clock.skew.seconds";
    public static final String KEY_WINDOW = "replay.window.seconds";
    public static final String KEY_RATE = "rate.per.minute";
    public static final String KEY_RETRY_INITIAL = "retry.initial.millis";
    public static final String KEY_RETRY_MAX = "retry.max.seconds";
    public static final String KEY_WORKERS = "worker.threads";
    public static final String KEY_DATA_DIR = "data.dir";
    public static final String KEY_ESCROW_PRIVATE_KEY = "escrow.private.key";
    public static final String KEY_ESCROW_DEPOSIT_DIR = "escrow.deposit.dir";
    public static final String KEY_ESCROW_REVERIFY = "escrow.reverify.seconds";
    public static final String KEY_ESCROW_PROOF_INTERVAL = "escrow.proof.interval.seconds";
    public static final String KEY_SHELL_OPERATOR_ID = "shell.operator.id";
    public static final String KEY_SHELL_OPERATOR_KEY = "shell.operator.key";
    public static final String KEY_INBOX_DIR = "inbox.dir";

    public static final String DEFAULT_ROUTES = "CUSTODIAN_ACCOUNT,ESCROWED_ACCOUNT_KEY,CERTIFICATE_KEY";
    public static final int DEFAULT_SKEW = 300;
    public static final int DEFAULT_WINDOW = 900;
    public static final int DEFAULT_RATE = 60;
    public static final int DEFAULT_RETRY_INITIAL_MS = 1000;
    public static final int DEFAULT_RETRY_MAX = 60;
    public static final int DEFAULT_WORKERS = 4;
    public static final int DEFAULT_ESCROW_REVERIFY = 3600;
    public static final int DEFAULT_ESCROW_PROOF_INTERVAL = 30;

    private final List<RevocationRoute> routes;
    private final Duration skew;
    private final Duration window;
    private final int ratePerMinute;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final int workers;
    private final Path dataDir;
    private final Path escrowPrivateKey;
    private final Path escrowDepositDir;
    private final Duration escrowReverify;
    private final Duration escrowProofInterval;
    private final String shellOperatorId;
    private final Path shellOperatorKey;
    private final Path inboxDir;
    private final StoreOptions store;

    private PolicyOptions(Map<String, ?> properties, Path defaultDataDir) throws InvalidConfigurationException {
        ConfigValues p = new ConfigValues(properties);
        routes = parseRoutes(p.string(KEY_ROUTES, DEFAULT_ROUTES));
        skew = Duration.ofSeconds(p.integer(KEY_SKEW, DEFAULT_SKEW, 1, 86400));
        window = Duration.ofSeconds(p.integer(KEY_WINDOW, DEFAULT_WINDOW, 1, 604800));
        // a request may carry an issue time up to the skew ahead of us and is fresh until the skew after it: its
        // nonce has to be remembered for twice the skew, or the same request is accepted again once it is forgotten
        if (window.compareTo(skew.multipliedBy(2)) < 0) {
            throw new InvalidConfigurationException(
                    KEY_WINDOW,
                    "must be at least twice " + KEY_SKEW
                            + ", or a request still fresh could be replayed after its nonce is forgotten");
        }
        ratePerMinute = p.integer(KEY_RATE, DEFAULT_RATE, 1, 100000);
        retryInitial = Duration.ofMillis(p.integer(KEY_RETRY_INITIAL, DEFAULT_RETRY_INITIAL_MS, 10, 3_600_000));
        retryMax = Duration.ofSeconds(p.integer(KEY_RETRY_MAX, DEFAULT_RETRY_MAX, 1, 86400));
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new InvalidConfigurationException(KEY_RETRY_MAX, "must not be below " + KEY_RETRY_INITIAL);
        }
        workers = p.integer(KEY_WORKERS, DEFAULT_WORKERS, 1, 64);
        Optional<Path> dir = p.path(KEY_DATA_DIR);
        if (dir.isEmpty() && defaultDataDir == null) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "required: the framework offers no bundle data area");
        }
        dataDir = dir.orElse(defaultDataDir).toAbsolutePath();
        escrowPrivateKey = p.path(KEY_ESCROW_PRIVATE_KEY).orElse(null);
        escrowDepositDir = p.path(KEY_ESCROW_DEPOSIT_DIR).orElse(null);
        if ((escrowPrivateKey == null) != (escrowDepositDir == null)) {
            throw new InvalidConfigurationException(
                    escrowPrivateKey == null ? KEY_ESCROW_PRIVATE_KEY : KEY_ESCROW_DEPOSIT_DIR,
                    "escrow needs both " + KEY_ESCROW_PRIVATE_KEY + " and " + KEY_ESCROW_DEPOSIT_DIR);
        }
        if (escrowPrivateKey != null) {
            checkOwnerOnly(escrowPrivateKey);
        }
        escrowReverify = Duration.ofSeconds(p.integer(KEY_ESCROW_REVERIFY, DEFAULT_ESCROW_REVERIFY, 1, 604800));
        escrowProofInterval =
                Duration.ofSeconds(p.integer(KEY_ESCROW_PROOF_INTERVAL, DEFAULT_ESCROW_PROOF_INTERVAL, 1, 86400));
        shellOperatorId = p.string(KEY_SHELL_OPERATOR_ID).orElse(null);
        shellOperatorKey = p.path(KEY_SHELL_OPERATOR_KEY).orElse(null);
        inboxDir = p.path(KEY_INBOX_DIR).orElse(null);
        store = StoreOptions.parse(p, dataDir);
    }

    public static PolicyOptions parse(Map<String, ?> properties, Path defaultDataDir)
            throws InvalidConfigurationException {
        return new PolicyOptions(properties, defaultDataDir);
    }

    static List<RevocationRoute> parseRoutes(String value) throws InvalidConfigurationException {
        List<RevocationRoute> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (s.isBlank()) {
                continue;
            }
            try {
                RevocationRoute r = RevocationRoute.valueOf(
                        s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
                if (out.contains(r)) {
                    throw new InvalidConfigurationException(KEY_ROUTES, r + " listed twice");
                }
                out.add(r);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(
                        KEY_ROUTES, "unknown route '" + s.trim() + "', expected " + List.of(RevocationRoute.values()));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidConfigurationException(KEY_ROUTES, "at least one route is needed");
        }
        return List.copyOf(out);
    }

    /** The authority's private key opens every deposit: refuse it while others can read it. */
    private static void checkOwnerOnly(Path key) throws InvalidConfigurationException {
        if (!Files.isReadable(key)) {
            throw new InvalidConfigurationException(KEY_ESCROW_PRIVATE_KEY, "cannot read " + key);
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(key);
            for (PosixFilePermission p : perms) {
                if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
                    throw new InvalidConfigurationException(
                            KEY_ESCROW_PRIVATE_KEY,
                            key + " is readable by others (" + PosixFilePermissions.toString(perms)
                                    + "): chmod 600 it");
                }
            }
        } catch (UnsupportedOperationException | IOException e) {
            // no POSIX permissions on this file system: nothing to check
        }
    }

    public List<RevocationRoute> getRoutes() {
        return routes;
    }

    public Duration getSkew() {
        return skew;
    }

    public Duration getReplayWindow() {
        return window;
    }

    public int getRatePerMinute() {
        return ratePerMinute;
    }

    public Duration getRetryInitial() {
        return retryInitial;
    }

    public Duration getRetryMax() {
        return retryMax;
    }

    public int getWorkers() {
        return workers;
    }

    public Path getDataDir() {
        return dataDir;
    }

    public Optional<Path> getEscrowPrivateKey() {
        return Optional.ofNullable(escrowPrivateKey);
    }

    public Optional<Path> getEscrowDepositDir() {
        return Optional.ofNullable(escrowDepositDir);
    }

    /** How often every accepted escrow deposit is proven again at the CA. */
    public Duration getEscrowReverify() {
        return escrowReverify;
    }

    /** The least time between two proofs at the CA of one gateway's changed deposits. */
    public Duration getEscrowProofInterval() {
        return escrowProofInterval;
    }

    public Optional<String> getShellOperatorId() {
        return Optional.ofNullable(shellOperatorId);
    }

    public Optional<Path> getShellOperatorKey() {
        return Optional.ofNullable(shellOperatorKey);
    }
    /** The database of tickets, nonces, deny list and releases. */
    public StoreOptions getStore() {
        return store;
    }

    /** Where signed requests may also arrive as files, when set. */
    public Optional<Path> getInboxDir() {
        return Optional.ofNullable(inboxDir);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyOptions x
                && routes.equals(x.routes)
                && skew.equals(x.skew)
                && window.equals(x.window)
                && ratePerMinute == x.ratePerMinute
                && retryInitial.equals(x.retryInitial)
                && retryMax.equals(x.retryMax)
                && workers == x.workers
                && dataDir.equals(x.dataDir)
                && Objects.equals(escrowPrivateKey, x.escrowPrivateKey)
                && Objects.equals(escrowDepositDir, x.escrowDepositDir)
                && escrowReverify.equals(x.escrowReverify)
                && escrowProofInterval.equals(x.escrowProofInterval)
                && Objects.equals(shellOperatorId, x.shellOperatorId)
                && Objects.equals(shellOperatorKey, x.shellOperatorKey)
                && Objects.equals(inboxDir, x.inboxDir)
                && store.equals(x.store);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routes, dataDir);
    }
}
