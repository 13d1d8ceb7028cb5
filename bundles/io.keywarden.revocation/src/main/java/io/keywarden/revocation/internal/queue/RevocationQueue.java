package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.support.retry.Backoff;
import io.keywarden.support.threads.ExecutorStop;
import io.keywarden.support.threads.NamedThreads;

/**
 * Takes accepted tickets to the CA. Each certificate is tried on the policy's routes in order until one works
 * ({@code alreadyRevoked} counts); a transient failure (CA down, 5xx, badNonce, rate limit) ends the attempt and
 * schedules the next with capped backoff; a definitive refusal moves on to the next route. Every change is
 * journaled before it is acted on, so a restart resumes where the last run stopped, and a certificate recorded as
 * revoked is never sent again.
 */
public final class RevocationQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationQueue.class);

    /** What the queue needs to know about certificates and escrowed keys. */
    public interface Facts {
        Optional<CertificateRecord> certificate(String serial);

        Optional<KeyPair> escrowedKey(String accountUrl);

        /** The account a proven escrow deposit pins for the gateway. */
        default Optional<String> pinnedAccount(String gatewayId) {
            return Optional.empty();
        }

        /** The account was deactivated at the CA (its escrow needs no re-verification any more). */
        default void deactivated(String accountUrl) {}
    }

    /** Audit entries and events; called on worker threads. */
    public interface Listener {
        void audit(String event, Map<String, Object> fields);

        void settled(RevocationTicket ticket);

        /** Something found does not match what was reported (kinds in {@link CaTruth}). */
        default void incident(
                String kind, String gatewayId, String detail, List<String> serials, Map<String, Object> more) {}

        /** The ticket names more certificates than before (journaled already): deny them and say so. */
        default void extended(Ticket ticket) {}
    }

    private final CaOperations ca;
    private final Facts facts;
    private final CaTruth truth;
    private final TicketClaims claims;
    private final TicketJournal journal;
    private final List<RevocationRoute> routes;
    private final Backoff backoff;
    private final Clock clock;
    private final Listener listener;
    private final ScheduledExecutorService workers;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<RevocationTicket>> settled = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public RevocationQueue(
            CaOperations ca,
            Facts facts,
            TicketJournal journal,
            List<RevocationRoute> routes,
            Backoff backoff,
            Clock clock,
            Listener listener,
            int threads) {
        this.ca = requireNonNull(ca, "ca");
        this.facts = requireNonNull(facts, "facts");
        this.journal = requireNonNull(journal, "journal");
        this.routes = List.copyOf(routes);
        this.backoff = requireNonNull(backoff, "backoff");
        this.clock = requireNonNull(clock, "clock");
        this.listener = requireNonNull(listener, "listener");
        this.truth = new CaTruth(ca, facts, journal, listener, clock);
        this.claims = new TicketClaims(journal, tickets, this::schedule, this::whenSettled);
        this.workers = Executors.newScheduledThreadPool(threads, new NamedThreads("keywarden-revoke"));
    }

    /**
     * Loads the tickets not settled yet and schedules them; returns them. Settled ones stay in the journal (see
     * {@link #ticket}). From then on, tickets another instance left behind (its lease expired) are adopted too.
     */
    public List<Ticket> resume() throws IOException {
        List<Ticket> unfinished = new ArrayList<>();
        for (Ticket t : journal.loadUnsettled()) {
            tickets.put(t.id, t);
            unfinished.add(t);
            schedule(t, Duration.ZERO);
        }
        claims.watchOrphans(workers);
        return unfinished;
    }

    /** Journals an accepted ticket (forced to disk) and schedules it; returns once it is durable. */
    public void enqueue(Ticket t) throws IOException {
        enqueue(t, () -> {});
    }

    /**
     * Journals an accepted ticket (forced to disk), runs {@code beforeStart} (the local containment) and only then
     * lets the workers take it to the CA. Throws, having done nothing, when the journal cannot be written.
     */
    public void enqueue(Ticket t, Runnable beforeStart) throws IOException {
        journal.save(t);
        tickets.put(t.id, t);
        try {
            beforeStart.run();
        } finally {
            schedule(t, Duration.ZERO);
        }
    }

    /** A ticket of this queue, or one settled before (read from the journal, not kept). */
    public Optional<Ticket> ticket(String id) {
        Ticket t = tickets.get(id);
        return t != null ? Optional.of(t) : claims.stored(id);
    }

    /** Every ticket: the journal's, with this queue's own for those it works on (read now, not kept). */
    public List<Ticket> all() {
        return claims.all();
    }

    public CompletableFuture<RevocationTicket> whenSettled(String id) {
        return claims.settledInJournal(id)
                .map(CompletableFuture::completedFuture)
                .orElseGet(() -> settled.computeIfAbsent(id, k -> new CompletableFuture<>()));
    }

    private void schedule(Ticket t, Duration delay) {
        if (closed) {
            return;
        }
        try {
            workers.schedule(() -> attempt(t), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Queue stopped: ticket {} stays journaled for the next start", t.id);
        }
    }

    // ---- one attempt ------------------------------------------------------------------------------------------

    private void attempt(Ticket t) {
        if (closed) {
            return;
        }
        try {
            synchronized (t) {
                if (t.state.isSettled()) {
                    return;
                }
            }
            if (!claims.claim(t)) {
                return;
            }
            synchronized (t) {
                t.attempts++;
                t.nextAttemptAt = null;
            }
            truth.reconcile(t);
            for (Ticket.Cert c : pending(t)) {
                revokeOne(t, c);
            }
            deactivateAccounts(t);
            finish(t);
        } catch (CaOperationException e) {
            retryLater(t, e);
        } catch (TicketJournal.LostClaimException e) {
            // another instance took the ticket over (this one was too slow for its lease): it goes on from its state
            LOG.warn("Ticket {}: {}", t.id, e.getMessage());
            schedule(t, journal.lease());
        } catch (IOException e) {
            // the journal could not record progress: try again rather than act on state not on disk
            LOG.error("Ticket {}: cannot journal its progress: {}", t.id, e.toString());
            retryLater(t, new CaOperationException("journal write failed: " + e.getMessage(), e, true, null, null));
        } catch (RuntimeException e) {
            LOG.error("Ticket {}: unexpected failure", t.id, e);
            retryLater(t, new CaOperationException("unexpected: " + e, e, true, null, null));
        }
    }

    private static List<Ticket.Cert> pending(Ticket t) {
        synchronized (t) {
            return t.certs.stream()
                    .filter(c -> c.state == CertificateRevocation.State.PENDING)
                    .toList();
        }
    }

    /** Tries the routes in order; returns when the certificate is settled, throws when the CA is to be tried later. */
    private void revokeOne(Ticket t, Ticket.Cert c) throws CaOperationException, IOException {
        Optional<CertificateRecord> record = truth.record(c.serial);
        if (record.isEmpty()) {
            settleCert(t, c, CertificateRevocation.State.FAILED, null, "certificate no longer known to this gateway");
            return;
        }
        String lastRefusal = null;
        for (RevocationRoute route : routes) {
            KeyPair escrowed = null;
            if (route == RevocationRoute.ESCROWED_ACCOUNT_KEY) {
                escrowed = facts.escrowedKey(record.get().getAccountUrl()).orElse(null);
                if (escrowed == null) {
                    lastRefusal =
                            "no escrow deposit for account " + record.get().getAccountUrl();
                    audit(t, "ROUTE_SKIPPED", c, route, null, lastRefusal);
                    continue;
                }
            }
            try {
                RevocationOutcome outcome = ca.revoke(record.get(), t.request.getReason(), route, escrowed);
                String answer = outcome == RevocationOutcome.ALREADY_REVOKED ? "alreadyRevoked" : "revoked";
                synchronized (t) {
                    c.route = route;
                }
                settleCert(t, c, CertificateRevocation.State.REVOKED, answer, null);
                audit(t, "REVOKED_AT_CA", c, route, answer, null);
                return;
            } catch (CaOperationException e) {
                String answer = e.getProblemType().orElse(e.isTransient() ? "transient" : "refused");
                synchronized (t) {
                    c.caAnswer = answer;
                }
                audit(t, e.isTransient() ? "CA_UNAVAILABLE" : "ROUTE_REFUSED", c, route, answer, e.getMessage());
                if (e.isTransient()) {
                    throw e;
                }
                lastRefusal = route + ": " + e.getMessage();
            }
        }
        settleCert(t, c, CertificateRevocation.State.FAILED, null, lastRefusal);
    }

    private void settleCert(Ticket t, Ticket.Cert c, CertificateRevocation.State state, String answer, String detail)
            throws IOException {
        synchronized (t) {
            c.state = state;
            if (answer != null) {
                c.caAnswer = answer;
            }
            if (state == CertificateRevocation.State.REVOKED) {
                c.revokedAt = clock.instant();
            }
            if (detail != null) {
                t.detail = detail;
            }
        }
        journal.save(t);
    }

    /** A compromised gateway's account, once its certificates are settled: deactivated with the escrowed key. */
    private void deactivateAccounts(Ticket t) throws CaOperationException, IOException {
        List<String> accounts = truth.accounts(t);
        if (accounts.isEmpty() || t.accountDeactivated) {
            return;
        }
        for (String account : accounts) {
            Optional<KeyPair> key = facts.escrowedKey(account);
            if (key.isEmpty()) {
                synchronized (t) {
                    t.detail = "account " + account + " stays active: no escrow deposit of its key";
                }
                listener.audit("DEACTIVATION_IMPOSSIBLE", fields(t, Map.of("account", account, "detail", t.detail)));
                journal.save(t);
                return;
            }
            try {
                boolean now = ca.deactivateAccount(account, key.get());
                facts.deactivated(account);
                listener.audit(
                        "ACCOUNT_DEACTIVATED",
                        fields(t, Map.of("account", account, "caAnswer", now ? "deactivated" : "deactivated already")));
            } catch (CaOperationException e) {
                listener.audit(
                        e.isTransient() ? "CA_UNAVAILABLE" : "DEACTIVATION_REFUSED",
                        fields(t, Map.of("account", account, "detail", String.valueOf(e.getMessage()))));
                if (e.isTransient()) {
                    throw e;
                }
                synchronized (t) {
                    t.detail = "deactivation of " + account + " refused: " + e.getMessage();
                }
                journal.save(t);
                return;
            }
        }
        synchronized (t) {
            t.accountDeactivated = true;
        }
        journal.save(t);
    }

    private void finish(Ticket t) throws IOException {
        RevocationTicket view;
        synchronized (t) {
            boolean allRevoked = t.certs.stream().allMatch(c -> c.state == CertificateRevocation.State.REVOKED);
            boolean deactivationDone = truth.accounts(t).isEmpty() || t.accountDeactivated;
            t.state = allRevoked && deactivationDone ? TicketState.REVOKED : TicketState.FAILED;
            if (t.state == TicketState.REVOKED) {
                t.detail = null;
            }
        }
        journal.save(t);
        view = t.snapshot();
        listener.audit(
                view.getState() == TicketState.REVOKED ? "TICKET_REVOKED" : "TICKET_FAILED",
                fields(
                        t,
                        view.getDetail()
                                .map(d -> Map.<String, Object>of("detail", d))
                                .orElse(Map.of())));
        LOG.info("Ticket {} {}: {}", t.id, view.getState(), view.getCertificates());
        listener.settled(view);
        whenSettled(t.id).complete(view);
        // settled: the journal has it (ticket, all and whenSettled read it there); the heap keeps the unsettled only
        tickets.remove(t.id);
        settled.remove(t.id);
    }

    private void retryLater(Ticket t, CaOperationException e) {
        Instant next;
        synchronized (t) {
            t.state = TicketState.RETRYING;
            t.detail = e.getMessage();
            next = backoff.next(clock.instant(), t.attempts, e.getRetryAfter());
            t.nextAttemptAt = next;
        }
        try {
            journal.save(t);
        } catch (IOException io) {
            LOG.error("Ticket {}: cannot journal its retry: {}", t.id, io.toString());
        }
        LOG.info("Ticket {}: attempt {} failed, retrying at {}: {}", t.id, t.attempts, next, e.getMessage());
        schedule(t, Duration.between(clock.instant(), next));
    }

    private void audit(Ticket t, String event, Ticket.Cert c, RevocationRoute route, String answer, String detail) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("serial", c.serial);
        f.put("device", c.deviceId);
        if (route != null) {
            f.put("route", route.name());
        }
        if (answer != null) {
            f.put("caAnswer", answer);
        }
        if (detail != null) {
            f.put("detail", detail);
        }
        listener.audit(event, fields(t, f));
    }

    private static Map<String, Object> fields(Ticket t, Map<String, Object> more) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ticket", t.id);
        f.put("attempt", t.attempts);
        f.putAll(more);
        return f;
    }

    @Override
    public void close() {
        closed = true;
        ExecutorStop.now(workers, Duration.ofSeconds(5));
        claims.release();
    }
}
