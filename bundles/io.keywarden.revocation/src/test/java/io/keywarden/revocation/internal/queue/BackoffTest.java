package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void doublesFromTheFirstDelayUpToTheCapWithAtMostAFifthTakenOff() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new SplittableRandom(7));
        long[] expected = { 500, 1000, 2000, 4000, 8000, 8000, 8000 };
        for (int failures = 1; failures <= expected.length; failures++) {
            for (int i = 0; i < 50; i++) {
                long ms = Duration.between(NOW, b.next(NOW, failures, Optional.empty())).toMillis();
                long max = expected[failures - 1];
                assertTrue(ms <= max && ms >= max - max / 5, failures + " failures: " + ms + " ms, expected about " + max);
            }
        }
        // thousands of failures (a CA down for days) do not overflow
        assertTrue(Duration.between(NOW, b.next(NOW, 100_000, Optional.empty())).toMillis() <= 8000);
    }

    @Test
    void theCasRetryAfterWinsWhenLaterButNotBeyondTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new SplittableRandom(7));
        assertEquals(NOW.plusSeconds(5), b.next(NOW, 1, Optional.of(NOW.plusSeconds(5))));
        assertEquals(NOW.plusSeconds(8), b.next(NOW, 1, Optional.of(NOW.plusSeconds(3600))));
        assertTrue(b.next(NOW, 1, Optional.of(NOW.minusSeconds(5))).isAfter(NOW));
    }
}
