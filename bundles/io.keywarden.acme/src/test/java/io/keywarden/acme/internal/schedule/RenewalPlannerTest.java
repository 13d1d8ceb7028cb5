package io.keywarden.acme.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RenewalPlannerTest {
    private static final Instant NB = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NA = NB.plus(Duration.ofDays(90));

    @Test
    void withoutJitterRenewsWhenAThirdOfTheLifetimeIsLeft() {
        RenewalPlanner p = new RenewalPlanner(1.0 / 3, 0, new Random(1));
        assertEquals(NB.plus(Duration.ofDays(60)), p.plan(NB, NA, Optional.empty()));
    }

    @Test
    void jitterMovesRenewalEarlierWithinTheConfiguredShare() {
        RenewalPlanner p = new RenewalPlanner(1.0 / 3, 0.1, new Random(7));
        Instant latest = NB.plus(Duration.ofDays(60));
        Instant earliest = latest.minus(Duration.ofDays(9));
        Set<Instant> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Instant at = p.plan(NB, NA, Optional.empty());
            assertTrue(!at.isAfter(latest) && !at.isBefore(earliest), at.toString());
            seen.add(at);
        }
        assertTrue(seen.size() > 900, "a fleet must spread out, got " + seen.size() + " distinct instants");
    }

    @Test
    void aSuggestedWindowWinsOverTheThreshold() {
        RenewalPlanner p = new RenewalPlanner(1.0 / 3, 0.1, new Random(3));
        Instant start = NB.plus(Duration.ofDays(10));
        Instant end = start.plus(Duration.ofHours(6));
        for (int i = 0; i < 200; i++) {
            Instant at = p.plan(NB, NA, Optional.of(new RenewalPlanner.Window(start, end)));
            assertTrue(!at.isBefore(start) && !at.isAfter(end), at.toString());
        }
    }

    @Test
    void neverPlansBeforeTheCertificateIsValid() {
        RenewalPlanner p = new RenewalPlanner(0.99, 0.5, new Random(5));
        for (int i = 0; i < 100; i++) {
            assertTrue(!p.plan(NB, NA, Optional.empty()).isBefore(NB));
        }
    }

    @Test
    void rejectsThresholdsOutsideTheLifetime() {
        assertThrows(IllegalArgumentException.class, () -> new RenewalPlanner(0, 0, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPlanner(1, 0, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPlanner(0.3, 1, new Random()));
    }
}
