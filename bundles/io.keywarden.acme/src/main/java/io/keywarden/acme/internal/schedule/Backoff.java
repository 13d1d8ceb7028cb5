package io.keywarden.acme.internal.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, initial * 2^(n-1)). A CA's Retry-After, when later, wins.
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
        int exp = Math.min(Math.max(failures, 1) - 1, 30);
        long cap = max.toMillis();
        long base = initial.toMillis();
        long full = base > (cap >> exp) ? cap : Math.min(cap, base << exp);
        long half = full / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (full - half)));
    }

    /** The next attempt's time: the backoff delay, or the CA's Retry-After if that is later. */
    public Instant next(Instant now, int failures, Optional<Instant> retryAfter) {
        Instant byBackoff = now.plus(delay(failures));
        return retryAfter.filter(byBackoff::isBefore).orElse(byBackoff);
    }
}
