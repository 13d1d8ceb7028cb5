package io.keywarden.revocation.internal.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationProgress;

/**
 * A ticket's way to the CA as counts: its certificates' states (from the ticket, which the journal keeps) and the
 * CA's failing answers by reason (in memory, counted since this start). Also decides when the next progress event
 * is due, so a mass revocation posts at most one a second.
 */
final class TicketProgress {
    private static final String ACME = "urn:ietf:params:acme:error:";

    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private Instant lastPosted;

    /** The reason a failing answer is counted under (see {@link RevocationProgress}). */
    static String reason(CaOperationException e) {
        return e.getProblemType()
                .map(t -> t.startsWith(ACME) ? t.substring(ACME.length()) : t)
                .orElse(e.isTransient() ? (e.getRetryAfter().isPresent() ? "busy" : "unreachable") : "refused");
    }

    void failed(String reason) {
        failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** True at most once per {@code every}: the caller posts a progress event then. */
    synchronized boolean due(Instant now, Duration every) {
        if (lastPosted != null && now.isBefore(lastPosted.plus(every))) {
            return false;
        }
        lastPosted = now;
        return true;
    }

    RevocationProgress view(Ticket t, Instant throttledUntil) {
        synchronized (t) {
            int revoked = 0;
            int failed = 0;
            for (Ticket.Cert c : t.certs) {
                if (c.state == CertificateRevocation.State.REVOKED) {
                    revoked++;
                } else if (c.state == CertificateRevocation.State.FAILED) {
                    failed++;
                }
            }
            return new RevocationProgress(
                    t.id, t.state, t.certs.size(), revoked, failed, failures(), t.submittedAt, throttledUntil);
        }
    }
}
