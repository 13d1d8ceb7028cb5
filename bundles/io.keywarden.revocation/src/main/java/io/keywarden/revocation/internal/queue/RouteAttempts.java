package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationRoute;

/**
 * One certificate at the CA: the policy's routes in order until one works ({@code alreadyRevoked} counts), a
 * definitive refusal moving on to the next route, a transient failure thrown to the caller. Runs on the parallel
 * workers; what it settles is committed through the {@link GroupCommit} before it returns, and the CA's failing
 * answers are counted into the ticket's {@link TicketProgress}.
 */
final class RouteAttempts {
    private final CaOperations ca;
    private final RevocationQueue.Facts facts;
    private final CaTruth truth;
    private final List<RevocationRoute> routes;
    private final Clock clock;
    private final GroupCommit commits;
    private final RevocationQueue.Listener listener;
    /** Progress kept in the heap for the tickets worked on last: bounded, since settled tickets leave the heap. */
    static final int PROGRESS_KEPT = 1024;

    private final Map<String, TicketProgress> progress =
            Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, TicketProgress> eldest) {
                    return size() > PROGRESS_KEPT;
                }
            });

    RouteAttempts(
            CaOperations ca,
            RevocationQueue.Facts facts,
            CaTruth truth,
            List<RevocationRoute> routes,
            Clock clock,
            GroupCommit commits,
            RevocationQueue.Listener listener) {
        this.ca = ca;
        this.facts = facts;
        this.truth = truth;
        this.routes = routes;
        this.clock = clock;
        this.commits = commits;
        this.listener = listener;
    }

    /**
     * Returns when the certificate is settled (journaled and audited, together with what other workers settled
     * meanwhile); throws when the CA is to be tried later.
     */
    void revoke(Ticket t, Ticket.Cert c, Consumer<CaOperationException> caFailed)
            throws CaOperationException, IOException {
        Optional<CertificateRecord> record = truth.record(c.serial);
        if (record.isEmpty()) {
            settle(t, c, CertificateRevocation.State.FAILED, null, "certificate no longer known to this gateway");
            commits.commit(t, List.of());
            return;
        }
        String lastRefusal = null;
        List<AuditEntry> audit = new ArrayList<>();
        for (RevocationRoute route : routes) {
            KeyPair escrowed = null;
            if (route == RevocationRoute.ESCROWED_ACCOUNT_KEY) {
                escrowed = facts.escrowedKey(record.get().getAccountUrl()).orElse(null);
                if (escrowed == null) {
                    lastRefusal =
                            "no escrow deposit for account " + record.get().getAccountUrl();
                    audit.add(entry(t, "ROUTE_SKIPPED", c, route, null, lastRefusal));
                    continue;
                }
            }
            try {
                RevocationOutcome outcome = ca.revoke(record.get(), t.request.getReason(), route, escrowed);
                String answer = outcome == RevocationOutcome.ALREADY_REVOKED ? "alreadyRevoked" : "revoked";
                synchronized (t) {
                    c.route = route;
                }
                settle(t, c, CertificateRevocation.State.REVOKED, answer, null);
                audit.add(entry(t, "REVOKED_AT_CA", c, route, answer, null));
                commits.commit(t, audit);
                report(t);
                return;
            } catch (CaOperationException e) {
                caFailed.accept(e);
                String answer = e.getProblemType().orElse(e.isTransient() ? "transient" : "refused");
                synchronized (t) {
                    c.caAnswer = answer;
                }
                of(t).failed(TicketProgress.reason(e));
                audit.add(entry(
                        t, e.isTransient() ? "CA_UNAVAILABLE" : "ROUTE_REFUSED", c, route, answer, e.getMessage()));
                if (e.isTransient()) {
                    commits.commit(null, audit);
                    throw e;
                }
                lastRefusal = route + ": " + e.getMessage();
            }
        }
        settle(t, c, CertificateRevocation.State.FAILED, null, lastRefusal);
        commits.commit(t, audit);
        report(t);
    }

    RevocationProgress progressOf(Ticket t, Instant throttledUntil) {
        return of(t).view(t, throttledUntil);
    }

    private TicketProgress of(Ticket t) {
        return progress.computeIfAbsent(t.id, k -> new TicketProgress());
    }

    /** A progress event when one is due for this ticket (at most one a second). */
    private void report(Ticket t) {
        if (of(t).due(clock.instant(), RevocationQueue.PROGRESS_EVERY)) {
            listener.progress(progressOf(t, null), false);
        }
    }

    /** Records the certificate's new state in the ticket; the caller commits it. */
    private void settle(Ticket t, Ticket.Cert c, CertificateRevocation.State state, String answer, String detail) {
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
    }

    private static AuditEntry entry(
            Ticket t, String event, Ticket.Cert c, RevocationRoute route, String answer, String detail) {
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
        return new AuditEntry(event, RevocationQueue.fields(t, f));
    }
}
