package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.support.retry.Backoff;
import io.keywarden.support.threads.NamedThreads;

/**
 * Takes the pending certificates of a ticket to one CA with at most {@code parallel} revokeCert requests in flight,
 * for all tickets together (the ceiling is the CA's, not the ticket's). Each revocation is an independent request.
 *
 * <p>When the CA says to wait (a {@code rateLimited} problem, or Retry-After on a 429/503) every worker stops sending
 * until then ({@link CaThrottle}) and the certificate is tried again in the same attempt, a few times at most. Any
 * other transient failure (CA unreachable, 5xx) ends the attempt for the whole ticket: the certificates not settled
 * stay pending in the journal and the queue tries the ticket again after its backoff. Nothing is dropped: a
 * certificate leaves PENDING only through its job (revoked, {@code alreadyRevoked}, or refused on every route).
 */
final class CaRevoker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaRevoker.class);
    private static final String RATE_LIMITED = "urn:ietf:params:acme:error:rateLimited";
    /** Tries of one certificate within one attempt while the CA keeps asking to wait; then the ticket backs off. */
    static final int TRIES_PER_ATTEMPT = 5;

    /**
     * Settles one certificate, or throws a transient failure (a definitive refusal settles it as FAILED). It hands
     * every failing CA answer to {@code caFailed} the moment it arrives, before anything is written, so the other
     * workers stop sending as early as possible.
     */
    interface CertJob {
        void run(Ticket.Cert cert, Consumer<CaOperationException> caFailed) throws CaOperationException, IOException;
    }

    private final int parallel;
    private final CaThrottle throttle;
    private final Backoff backoff;
    private final Clock clock;
    private final ExecutorService workers;

    CaRevoker(int parallel, CaThrottle throttle, Backoff backoff, Clock clock) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        }
        this.parallel = parallel;
        this.throttle = requireNonNull(throttle, "throttle");
        this.backoff = requireNonNull(backoff, "backoff");
        this.clock = requireNonNull(clock, "clock");
        this.workers = Executors.newFixedThreadPool(parallel, new NamedThreads("keywarden-revoke-ca"));
    }

    CaThrottle throttle() {
        return throttle;
    }

    /**
     * Runs the job for every certificate, {@code parallel} at a time; returns when each is settled, throws the
     * failure that ended the attempt (the others stay pending).
     */
    void revokeAll(String ticketId, List<Ticket.Cert> pending, CertJob job) throws CaOperationException, IOException {
        if (!pending.isEmpty()) {
            revokeAll(ticketId, CertStream.of(pending), Math.min(parallel, pending.size()), job);
        }
    }

    /** As above, for certificates that arrive while the workers run (the stream ends when the last has come). */
    void revokeAll(String ticketId, CertStream todo, CertJob job) throws CaOperationException, IOException {
        revokeAll(ticketId, todo, parallel, job);
    }

    private void revokeAll(String ticketId, CertStream todo, int workersNeeded, CertJob job)
            throws CaOperationException, IOException {
        AtomicReference<Exception> stop = new AtomicReference<>();
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int i = 0; i < workersNeeded; i++) {
                running.add(workers.submit(() -> drain(ticketId, todo, job, stop)));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (RejectedExecutionException e) {
            stop.compareAndSet(null, new CaOperationException("revocation stopping", e, true, null, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.compareAndSet(null, new CaOperationException("revocation stopping", e, true, null, null));
            running.forEach(f -> f.cancel(true));
        } catch (ExecutionException e) {
            stop.compareAndSet(null, new IOException("revocation worker failed: " + e.getCause(), e.getCause()));
        }
        rethrow(stop.get());
    }

    private void drain(String ticketId, CertStream todo, CertJob job, AtomicReference<Exception> stop) {
        while (stop.get() == null) {
            Ticket.Cert c;
            try {
                c = todo.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.compareAndSet(null, new CaOperationException("revocation stopping", e, true, null, null));
                return;
            }
            if (c == null) {
                return;
            }
            try {
                revokeWithPauses(ticketId, c, job, stop);
            } catch (CaOperationException | IOException e) {
                stop.compareAndSet(null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.compareAndSet(null, new CaOperationException("revocation stopping", e, true, null, null));
            } catch (RuntimeException e) {
                LOG.error("Ticket {}: unexpected failure revoking {}", ticketId, c.serial, e);
                stop.compareAndSet(null, new CaOperationException("unexpected: " + e, e, true, null, null));
            }
        }
    }

    private void revokeWithPauses(String ticketId, Ticket.Cert c, CertJob job, AtomicReference<Exception> stop)
            throws CaOperationException, IOException, InterruptedException {
        for (int tries = 1; ; tries++) {
            throttle.awaitOpen();
            if (stop.get() != null) {
                return; // another worker ended the attempt meanwhile: this one stays pending
            }
            int tried = tries;
            try {
                job.run(c, e -> pauseIfAsked(e, tried));
                return;
            } catch (CaOperationException e) {
                if (!asksToWait(e) || tries >= TRIES_PER_ATTEMPT) {
                    throw e;
                }
                LOG.info(
                        "Ticket {}: the CA asks to wait until {} ({}); {} waits",
                        ticketId,
                        pauseIfAsked(e, tries),
                        e.getMessage(),
                        c.serial);
            }
        }
    }

    /** Pauses every worker when the CA asks to wait: until its Retry-After, else for the backoff of this try. */
    private Instant pauseIfAsked(CaOperationException e, int tries) {
        if (!asksToWait(e)) {
            return null;
        }
        return throttle.pause(e.getRetryAfter().orElseGet(() -> clock.instant().plus(backoff.delay(tries))));
    }

    /** Rate limited, or busy with a Retry-After: the CA says when, so wait for it rather than end the attempt. */
    static boolean asksToWait(CaOperationException e) {
        return e.isTransient()
                && (e.getRetryAfter().isPresent()
                        || e.getProblemType().filter(RATE_LIMITED::equals).isPresent());
    }

    private static void rethrow(Exception e) throws CaOperationException, IOException {
        if (e == null) {
            return;
        }
        if (e instanceof CaOperationException ca) {
            throw ca;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        throw new IllegalStateException(e);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
