package io.keywarden.support.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamedThreadsTest {

    @Test
    void threadsAreDaemonsNamedAfterTheirPool() {
        NamedThreads pool = new NamedThreads("keywarden-test");
        Thread a = pool.newThread(() -> {});
        Thread b = pool.newThread(() -> {});
        assertEquals("keywarden-test-1", a.getName());
        assertEquals("keywarden-test-2", b.getName());
        assertTrue(a.isDaemon() && b.isDaemon());
        assertEquals(
                "keywarden-one",
                NamedThreads.single("keywarden-one").newThread(() -> {}).getName());
    }
}
