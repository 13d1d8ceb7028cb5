package io.keywarden.revocation.internal.escrow;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.CaOperations;
import io.keywarden.revocation.internal.config.PolicyOptions;
import io.keywarden.support.pem.Pem;
import io.keywarden.support.threads.ExecutorStop;
import io.keywarden.support.threads.NamedThreads;

/**
 * Runs the vault on one thread: judges new deposits every few seconds (so a bad one is refused at import, not at
 * revocation time) and proves every accepted one again each re-verification period. One thread and the vault's
 * bounds keep what deposits can make the authority ask of the CA finite.
 */
public final class EscrowGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EscrowGuard.class);

    /** How often the deposit directory is looked at; a look without new deposits costs no CA request. */
    static final Duration SCAN_PERIOD = Duration.ofSeconds(2);

    /** Per scan at most this many proofs at the CA. */
    static final int PROOFS_PER_SCAN = 8;

    private final EscrowVault vault;
    private final ScheduledExecutorService thread;

    private EscrowGuard(EscrowVault vault, Duration reverify) {
        this.vault = vault;
        this.thread = Executors.newSingleThreadScheduledExecutor(new NamedThreads("keywarden-escrow"));
        thread.scheduleWithFixedDelay(() -> guarded(vault::scan), 0, SCAN_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(
                () -> guarded(vault::reverify), reverify.toMillis(), reverify.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A failure must not end the schedule (a periodic task that throws is never run again). */
    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("Escrow check failed, next one as scheduled", e);
        }
    }

    /** The guarded vault, or null when the policy configures no escrow. */
    public static EscrowGuard start(
            PolicyOptions options, CaOperations ca, EscrowVault.Incidents incidents, DepositStore store)
            throws IOException, GeneralSecurityException {
        if (options.getEscrowPrivateKey().isEmpty()) {
            return null;
        }
        EscrowVault vault = new EscrowVault(
                Pem.privateKey(Pem.pemOrFile(options.getEscrowPrivateKey().get().toString())),
                options.getEscrowDepositDir().orElseThrow(),
                store,
                ca,
                incidents,
                Clock.systemUTC(),
                new EscrowVault.Bounds(options.getEscrowProofInterval(), PROOFS_PER_SCAN));
        return new EscrowGuard(vault, options.getEscrowReverify());
    }

    public EscrowVault vault() {
        return vault;
    }

    @Override
    public void close() {
        ExecutorStop.now(thread, Duration.ofSeconds(5));
    }
}
