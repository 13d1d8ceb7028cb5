package io.keywarden.acme.internal.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to renew a certificate. Without a CA-suggested window: once the remaining lifetime falls below the
 * threshold share, moved earlier by a random share of the lifetime up to the jitter, so a fleet enrolled at
 * the same moment does not come back at the same moment. With an ARI window (RFC 9773): a uniformly random
 * instant inside it, as the RFC asks.
 */
public final class RenewalPlanner {
    private final double threshold;
    private final double jitter;
    private final RandomGenerator random;

    public RenewalPlanner(double threshold, double jitter, RandomGenerator random) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0,1): " + threshold);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0,1): " + jitter);
        }
        this.threshold = threshold;
        this.jitter = jitter;
        this.random = random;
    }

    /** The instant to renew at; may lie in the past, meaning now. */
    public Instant plan(Instant notBefore, Instant notAfter, Optional<Window> suggested) {
        if (suggested.isPresent()) {
            Window w = suggested.get();
            long span = Duration.between(w.getStart(), w.getEnd()).toMillis();
            return span <= 0 ? w.getStart() : w.getStart().plusMillis((long) (random.nextDouble() * span));
        }
        long lifetime = Math.max(0, Duration.between(notBefore, notAfter).toMillis());
        Instant windowStart = notAfter.minusMillis((long) (lifetime * threshold));
        long maxJitter = (long) (lifetime * jitter);
        long shift = maxJitter == 0 ? 0 : (long) (random.nextDouble() * maxJitter);
        Instant at = windowStart.minusMillis(shift);
        return at.isBefore(notBefore) ? notBefore : at;
    }

    /** A renewal window suggested by the CA. */
    public static final class Window {
        private final Instant start;
        private final Instant end;

        public Window(Instant start, Instant end) {
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("window ends before it starts: " + start + " .. " + end);
            }
            this.start = start;
            this.end = end;
        }

        public Instant getStart() {
            return start;
        }

        public Instant getEnd() {
            return end;
        }
    }
}
