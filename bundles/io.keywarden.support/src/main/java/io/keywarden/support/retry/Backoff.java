package io.keywarden.support.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: attempt n waits initial·2^(n-1), at most max, less up to a fifth at random so
 * a fleet's retries do not arrive together. A CA's Retry-After wins when later, but never beyond max: a peer that is
 * not yet trusted cannot park a retry for days.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** Delay before attempt number {@code failures + 1}, after {@code failures} consecutive failures (>= 1). */
    public Duration delay(int failures) {
        long cap = max.toMillis();
        long ms = initial.toMillis();
        for (int i = 1; i < failures && ms < cap; i++) {
            ms *= 2;
        }
        ms = Math.min(ms, cap);
        long jitter = ms / 5 == 0 ? 0 : random.nextLong(ms / 5 + 1);
        return Duration.ofMillis(ms - jitter);
    }

    /** The next attempt's time: the backoff delay, or the CA's Retry-After if that is later, capped at max. */
    public Instant next(Instant now, int failures, Optional<Instant> retryAfter) {
        Instant at = now.plus(delay(failures));
        if (retryAfter.isPresent() && retryAfter.get().isAfter(at)) {
            Instant capped = now.plus(max);
            return retryAfter.get().isAfter(capped) ? capped : retryAfter.get();
        }
        return at;
    }
}
