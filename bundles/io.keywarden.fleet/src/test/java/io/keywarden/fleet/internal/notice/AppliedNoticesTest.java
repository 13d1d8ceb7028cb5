package io.keywarden.fleet.internal.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.relyingparty.Notice;

/** What the gateway's deny list service promises: new serials reported in order, replays change nothing, restarts keep them. */
class AppliedNoticesTest {
    @TempDir
    Path dir;

    @Test
    void deniesNewSerialsInOrderIgnoresReplaysAndKeepsThemAcrossARestart() throws Exception {
        Path file = dir.resolve("applied-notices.properties");
        AppliedNotices applied = new AppliedNotices(file);
        assertFalse(applied.isDenied("b7"));

        assertEquals(List.of("1a", "b7", "c3"), List.copyOf(applied.apply(notice("t-1", "c3", "1a", "b7"))));
        assertEquals(Set.of(), applied.apply(notice("t-1", "c3", "1a", "b7")), "a replay adds nothing");
        assertEquals(List.of("d4"), List.copyOf(applied.apply(notice("t-2", "b7", "d4"))), "only what is new");
        assertTrue(applied.isDenied("b7"));

        AppliedNotices restarted = new AppliedNotices(file);
        assertEquals(Set.of("1a", "b7", "c3", "d4"), restarted.getDeniedSerials());
        assertTrue(restarted.isDenied("d4"));
        assertFalse(restarted.isDenied("ee"));
    }

    private static Notice notice(String ticket, String... serials) {
        return new Notice(ticket, List.of(serials), List.of("sensor"), 1, Instant.now(), "fleet-authority");
    }
}
