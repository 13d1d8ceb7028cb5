package io.keywarden.est.internal.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Failed attempts per source: a limit within a window, other sources unaffected, a bounded table. */
class SourceAttemptsTest {
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aSourceIsStoppedAfterItsFailuresUntilTheWindowEnds() {
        MovableClock clock = new MovableClock();
        SourceAttempts a = new SourceAttempts(3, Duration.ofMinutes(15), 100, clock);
        for (int i = 0; i < 3; i++) {
            assertTrue(a.allowed("10.0.0.1"));
            a.failed("10.0.0.1");
        }
        assertFalse(a.allowed("10.0.0.1"));
        assertTrue(a.allowed("10.0.0.2"), "another source is not affected");
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertTrue(a.allowed("10.0.0.1"), "a new window");
    }

    @Test
    void theTableForgetsTheOldestSourcesWhenFull() {
        MovableClock clock = new MovableClock();
        SourceAttempts a = new SourceAttempts(1, Duration.ofMinutes(15), 2, clock);
        a.failed("10.0.0.1");
        a.failed("10.0.0.2");
        a.failed("10.0.0.3");
        assertTrue(a.allowed("10.0.0.1"), "forgotten: the table holds two sources");
        assertFalse(a.allowed("10.0.0.3"));
    }
}
