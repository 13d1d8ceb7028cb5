package io.keywarden.revocation.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonceStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    @Test
    void aNonceIsUsableOncePerRequesterWithinTheWindowAcrossRestarts() throws Exception {
        Path file = dir.resolve("nonces.log");
        try (NonceStore s = new NonceStore(file, WINDOW, T0)) {
            assertTrue(s.firstUse("monitor", "n1", T0));
            assertFalse(s.firstUse("monitor", "n1", T0.plusSeconds(1)));
            assertTrue(s.firstUse("operator", "n1", T0), "nonces are per requester");
        }
        // a crash mid-append leaves a torn last line: ignored, the rest still counts
        Files.writeString(file, "12345\tmonit", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (NonceStore s = new NonceStore(file, WINDOW, T0.plusSeconds(60))) {
            assertFalse(s.firstUse("monitor", "n1", T0.plusSeconds(60)), "remembered after a restart");
        }
        // past the window it is forgotten (and a request that old is stale anyway): the file shrinks at start
        try (NonceStore s = new NonceStore(file, WINDOW, T0.plus(WINDOW).plusSeconds(1))) {
            assertEquals(0, Files.readAllLines(file).size());
            assertTrue(s.firstUse("monitor", "n1", T0.plus(WINDOW).plusSeconds(1)));
        }
    }
}
