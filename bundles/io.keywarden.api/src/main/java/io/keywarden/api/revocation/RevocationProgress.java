package io.keywarden.api.revocation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a ticket's certificates stand on their way to the CA: how many of how many are done, and the CA's failing
 * answers counted by reason. A snapshot; {@link RevocationService#getProgress()} gives a fresh one.
 *
 * <p>Failure reasons are the short ACME problem type the CA answered ({@code rateLimited}, {@code badNonce},
 * {@code serverInternal}, {@code unauthorized}, ...), {@code busy} for an HTTP 429 or 503 with Retry-After and no
 * problem document, {@code unreachable} for a CA that could not be reached or answered without one, {@code refused}
 * for a refusal without a problem type. A transient failure is counted each time it happens (the certificate stays
 * pending and is tried again); a definitive one once per route it closes.
 *
 * @since 1.3
 */
public final class RevocationProgress {
    private final String ticketId;
    private final TicketState state;
    private final int total;
    private final int revoked;
    private final int failed;
    private final Map<String, Long> failures;
    private final Instant startedAt;
    private final Instant throttledUntil;

    public RevocationProgress(
            String ticketId,
            TicketState state,
            int total,
            int revoked,
            int failed,
            Map<String, Long> failures,
            Instant startedAt,
            Instant throttledUntil) {
        this.ticketId = requireNonNull(ticketId, "ticketId");
        this.state = requireNonNull(state, "state");
        if (total < 0 || revoked < 0 || failed < 0 || revoked + failed > total) {
            throw new IllegalArgumentException(
                    "inconsistent counts: total " + total + ", revoked " + revoked + ", failed " + failed);
        }
        this.total = total;
        this.revoked = revoked;
        this.failed = failed;
        this.failures = Map.copyOf(requireNonNull(failures, "failures"));
        this.startedAt = requireNonNull(startedAt, "startedAt");
        this.throttledUntil = throttledUntil;
    }

    public String getTicketId() {
        return ticketId;
    }

    public TicketState getState() {
        return state;
    }

    /** Certificates the ticket names (it can grow: the CA may list more for a compromised gateway). */
    public int getTotal() {
        return total;
    }

    /** Revoked at the CA ({@code alreadyRevoked} included). */
    public int getRevoked() {
        return revoked;
    }

    /** Refused at the CA on every allowed route. */
    public int getFailed() {
        return failed;
    }

    /** Neither revoked nor failed yet. */
    public int getPending() {
        return total - revoked - failed;
    }

    /** Settled: revoked or failed. */
    public int getDone() {
        return revoked + failed;
    }

    /** The CA's failing answers so far, by reason (see the class comment), sorted by reason. */
    public Map<String, Long> getFailures() {
        return new TreeMap<>(failures);
    }

    /** When the ticket was submitted. */
    public Instant getStartedAt() {
        return startedAt;
    }

    /** While the CA asked to be left alone (rate limit, Retry-After): until when nothing is sent to it. */
    public Optional<Instant> getThrottledUntil() {
        return Optional.ofNullable(throttledUntil);
    }

    @Override
    public String toString() {
        return ticketId + " " + state + " " + getDone() + "/" + total + " (revoked " + revoked + ", failed " + failed
                + ")" + (failures.isEmpty() ? "" : " failures " + getFailures())
                + (throttledUntil == null ? "" : " throttled until " + throttledUntil);
    }
}
