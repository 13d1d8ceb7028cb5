package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One CA's gate: when the CA answers "rate limited" or "busy, retry after T", every worker taking certificates to
 * that CA waits until T before it sends anything more, instead of each worker finding out on its own with one more
 * refused request. Waiting sleeps until the instant (no polling). A pause is capped, so a CA (or whatever answers in
 * its name before authentication) cannot park the revocations for days.
 */
final class CaThrottle {

    /** How a worker waits; tests pass one that moves their clock instead. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    static final Sleeper REAL_TIME = d -> Thread.sleep(Math.max(1, d.toMillis()));

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration cap;
    private Instant pausedUntil;
    private long pauses;

    CaThrottle(Clock clock, Sleeper sleeper, Duration cap) {
        this.clock = requireNonNull(clock, "clock");
        this.sleeper = requireNonNull(sleeper, "sleeper");
        this.cap = requireNonNull(cap, "cap");
    }

    /** Nothing goes to the CA before {@code until} (at most the cap from now); returns the instant that holds. */
    synchronized Instant pause(Instant until) {
        Instant now = clock.instant();
        Instant capped = until.isAfter(now.plus(cap)) ? now.plus(cap) : until;
        if (pausedUntil == null || capped.isAfter(pausedUntil)) {
            if (pausedUntil == null || !pausedUntil.isAfter(now)) {
                pauses++; // a new pause, not the extension of one under way
            }
            pausedUntil = capped;
        }
        return pausedUntil;
    }

    /** Returns once the CA may be asked again; sleeps through a pause, also one extended meanwhile. */
    void awaitOpen() throws InterruptedException {
        while (true) {
            Instant until;
            synchronized (this) {
                until = pausedUntil;
            }
            Instant now = clock.instant();
            if (until == null || !until.isAfter(now)) {
                return;
            }
            sleeper.sleep(Duration.between(now, until));
        }
    }

    /** While paused: until when. */
    synchronized Optional<Instant> pausedUntil() {
        return pausedUntil != null && pausedUntil.isAfter(clock.instant())
                ? Optional.of(pausedUntil)
                : Optional.empty();
    }

    /** How many times the CA made the workers pause. */
    synchronized long pauses() {
        return pauses;
    }
}
