package io.keywarden.revocation.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenyListStoreTest {

    @TempDir
    Path dir;

    @Test
    void deniedSerialsAreFoundWhateverTheirSpellingAndSurviveARestart() throws Exception {
        Path file = dir.resolve("deny-list.txt");
        DenyListStore first = new DenyListStore(file);
        first.addAll(List.of("00AB12", "ff"));
        assertTrue(first.isDenied("ab12"));
        assertTrue(first.isDenied("0xab12".substring(2)));
        assertTrue(first.isDenied("00ab12"));
        assertFalse(first.isDenied("ab13"));
        assertFalse(first.isDenied(null));

        DenyListStore second = new DenyListStore(file);
        assertEquals(Set.of("ab12", "ff"), second.getDeniedSerials());
    }
}
