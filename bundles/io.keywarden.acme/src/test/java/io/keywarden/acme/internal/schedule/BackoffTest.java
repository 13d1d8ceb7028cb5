package io.keywarden.acme.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), new Random(11));

    @Test
    void delaysDoubleWithinHalfToFullOfTheStep() {
        for (int failures = 1; failures <= 5; failures++) {
            long full = 2000L << (failures - 1);
            for (int i = 0; i < 100; i++) {
                long d = backoff.delay(failures).toMillis();
                assertTrue(d >= full / 2 && d <= full, "attempt " + failures + ": " + d);
            }
        }
    }

    @Test
    void delaysAreCappedEvenAfterManyFailures() {
        for (int failures : new int[] {6, 10, 31, 64, 1000, Integer.MAX_VALUE}) {
            long d = backoff.delay(failures).toMillis();
            assertTrue(d >= 30_000 && d <= 60_000, failures + ": " + d);
        }
    }

    @Test
    void aLaterRetryAfterFromTheCaWins() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Instant ra = now.plus(Duration.ofMinutes(10));
        assertEquals(ra, backoff.next(now, 1, Optional.of(ra)));
        Instant soon = now.plusMillis(1);
        Instant next = backoff.next(now, 1, Optional.of(soon));
        assertTrue(next.isAfter(soon) && !next.isAfter(now.plusSeconds(2)), next.toString());
    }
}
