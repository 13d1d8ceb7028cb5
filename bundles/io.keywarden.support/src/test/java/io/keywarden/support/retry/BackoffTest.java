package io.keywarden.support.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Both callers' cases: the revocation queue (short steps, small cap) and ACME enrollment (seconds to minutes). */
class BackoffTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void doublesFromTheFirstDelayUpToTheCapWithAtMostAFifthTakenOff() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new SplittableRandom(7));
        long[] expected = {500, 1000, 2000, 4000, 8000, 8000, 8000};
        for (int failures = 1; failures <= expected.length; failures++) {
            for (int i = 0; i < 50; i++) {
                long ms = Duration.between(NOW, b.next(NOW, failures, Optional.empty()))
                        .toMillis();
                long max = expected[failures - 1];
                assertTrue(
                        ms <= max && ms >= max - max / 5, failures + " failures: " + ms + " ms, expected about " + max);
            }
        }
        // thousands of failures (a CA down for days) do not overflow
        assertTrue(Duration.between(NOW, b.next(NOW, 100_000, Optional.empty())).toMillis() <= 8000);
    }

    @Test
    void enrollmentDelaysDoubleAndAreCappedEvenAfterManyFailures() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), new Random(11));
        for (int failures = 1; failures <= 5; failures++) {
            long full = 2000L << (failures - 1);
            for (int i = 0; i < 100; i++) {
                long d = b.delay(failures).toMillis();
                assertTrue(d >= full - full / 5 && d <= full, "attempt " + failures + ": " + d);
            }
        }
        for (int failures : new int[] {6, 10, 31, 64, 1000, Integer.MAX_VALUE}) {
            long d = b.delay(failures).toMillis();
            assertTrue(d >= 48_000 && d <= 60_000, failures + ": " + d);
        }
    }

    @Test
    void theJitterSpreadsAFleetsRetries() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), new Random(3));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(b.delay(3).toMillis());
        }
        assertTrue(seen.size() > 10, "20 gateways failing together retry at " + seen);
    }

    @Test
    void theCasRetryAfterWinsWhenLaterButNotBeyondTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new SplittableRandom(7));
        assertEquals(NOW.plusSeconds(5), b.next(NOW, 1, Optional.of(NOW.plusSeconds(5))));
        assertEquals(NOW.plusSeconds(8), b.next(NOW, 1, Optional.of(NOW.plusSeconds(3600))));
        assertTrue(b.next(NOW, 1, Optional.of(NOW.minusSeconds(5))).isAfter(NOW));
        // an earlier Retry-After does not make the retry come sooner than the backoff says
        Instant next = b.next(NOW, 1, Optional.of(NOW.plusMillis(1)));
        assertTrue(next.isAfter(NOW.plusMillis(1)) && !next.isAfter(NOW.plusMillis(500)), next.toString());
    }

    @Test
    void refusesAnInitialDelayAboveTheCapOrNotPositive() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(5), new Random(1)));
        assertThrows(
                IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(5), new Random(1)));
    }
}
