package io.keywarden.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

/**
 * The demo reads the operator's codes off the runtime's console: the answer of {@code est:code} for the device asked
 * for, not another device's, and a clear error (without the console's lines being lost) when none comes.
 */
class OperatorConsoleTest {
    private static final String GOGO = "____________________________\n"
            + "Welcome to Apache Felix Gogo\n\n"
            + "g! gogo: CommandNotFoundException: Command not found: est:status\n"
            + "g! EST on https://127.0.0.1:4711/.well-known/est/\n"
            + "classes: [thermo, retrofit]\n"
            + "g! device sensor-6 code AAAABBBBCCCCDDDDEEEE (single use, until 2026-12-06T18:00:00Z; shown once, "
            + "only its hash is kept)\n"
            + "g! device sensor-7 code FFFFGGGGHHHHJJJJKKKK (single use, until 2026-12-06T18:00:00Z; shown once, "
            + "only its hash is kept)\n";

    @Test
    void theCodeOfTheDeviceAskedForIsTakenFromItsAnswer() {
        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        try (OperatorConsole console = new OperatorConsole(typed, new ByteArrayInputStream(GOGO.getBytes(UTF_8)))) {
            console.awaitEstCommands(10_000);
            assertEquals("FFFFGGGGHHHHJJJJKKKK", console.enrollmentCode("sensor-7", 1, 10_000));
            String sent = typed.toString(UTF_8);
            assertTrue(sent.startsWith("est:status\n"), sent);
            assertTrue(sent.endsWith("est:code sensor-7 1\n"), sent);
        }
    }

    @Test
    void noAnswerIsAnErrorThatShowsWhatTheConsoleSaid() {
        String noCode = "g! gogo: CommandNotFoundException: Command not found: est:code\n";
        try (OperatorConsole console =
                new OperatorConsole(new ByteArrayOutputStream(), new ByteArrayInputStream(noCode.getBytes(UTF_8)))) {
            DemoException e = assertThrows(DemoException.class, () -> console.enrollmentCode("sensor-1", 1, 300));
            assertTrue(e.getMessage().contains("Command not found: est:code"), e.getMessage());
        }
    }
}
