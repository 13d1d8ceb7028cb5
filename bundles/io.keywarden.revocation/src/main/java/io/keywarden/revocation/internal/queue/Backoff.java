package io.keywarden.revocation.internal.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: attempt n waits initial·2^(n-1), at most max, less up to a fifth at random
 * so a fleet's retries do not arrive together; a CA's Retry-After wins when later.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** @param failures how many attempts failed so far (1 after the first) */
    public Instant next(Instant now, int failures, Optional<Instant> retryAfter) {
        long ms = initial.toMillis();
        for (int i = 1; i < failures && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        ms = Math.min(ms, max.toMillis());
        long jitter = ms / 5 == 0 ? 0 : random.nextLong(ms / 5 + 1);
        Instant at = now.plusMillis(ms - jitter);
        if (retryAfter.isPresent() && retryAfter.get().isAfter(at)) {
            Instant capped = now.plus(max);
            return retryAfter.get().isAfter(capped) ? capped : retryAfter.get();
        }
        return at;
    }
}
