package io.keywarden.revocation.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {

    @TempDir
    Path dir;

    private Path log;
    private List<String> clean;

    @BeforeEach
    void tenEntries() throws Exception {
        log = dir.resolve("audit.log");
        try (AuditLog a = new AuditLog(log, Clock.systemUTC())) {
            for (int i = 1; i <= 10; i++) {
                a.append(i % 2 == 0 ? "ACCEPTED" : "REFUSED", Map.of("ticket", "t-" + i, "detail", "entry " + i));
            }
        }
        clean = Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    private AuditVerifier.Result verifyWith(List<String> lines) throws Exception {
        Files.write(log, lines, StandardCharsets.UTF_8);
        return AuditVerifier.verify(log);
    }

    @Test
    void aCleanLogVerifiesAndAReopenedLogContinuesTheChain() throws Exception {
        AuditVerifier.Result r = AuditVerifier.verify(log);
        assertTrue(r.ok(), r.toString());
        assertEquals(10, r.entries());
        try (AuditLog a = new AuditLog(log, Clock.systemUTC())) {
            a.append("ACCEPTED", Map.of("ticket", "t-11"));
        }
        assertTrue(AuditVerifier.verify(log).ok(), AuditVerifier.verify(log).toString());
    }

    @Test
    void entriesAppendedTogetherChainAsIfAppendedOneByOne() throws Exception {
        try (AuditLog a = new AuditLog(log, Clock.systemUTC())) {
            a.appendAll(List.of(
                    Map.entry("REVOKED_AT_CA", Map.of("ticket", "t-11", "serial", "a1")),
                    Map.entry("REVOKED_AT_CA", Map.of("ticket", "t-11", "serial", "a2")),
                    Map.entry("ROUTE_REFUSED", Map.of("ticket", "t-11", "serial", "a3"))));
            a.appendAll(List.of());
            a.append("TICKET_REVOKED", Map.of("ticket", "t-11"));
        }
        AuditVerifier.Result r = AuditVerifier.verify(log);
        assertTrue(r.ok(), r.toString());
        assertEquals(14, r.entries());
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(lines.get(11).contains("\"serial\":\"a2\""), lines.get(11));
        lines.remove(11);
        assertFalse(verifyWith(lines).ok(), "a line removed from a batch breaks the chain");
    }

    @Test
    void anEditedLineIsNamed() throws Exception {
        for (int line : new int[] {1, 4, 10}) {
            List<String> lines = new ArrayList<>(clean);
            lines.set(line - 1, lines.get(line - 1).replace("entry " + line, "entry X"));
            AuditVerifier.Result r = verifyWith(lines);
            assertFalse(r.ok());
            assertEquals(AuditVerifier.Problem.EDITED, r.problem(), r.toString());
            assertEquals(line, r.line(), r.toString());
        }
    }

    @Test
    void anInsertedLineIsNamedWhetherItIsGarbageOrAForgedEntry() throws Exception {
        List<String> lines = new ArrayList<>(clean);
        lines.add(5, "{\"event\":\"ACCEPTED\",\"ticket\":\"forged\"}");
        AuditVerifier.Result r = verifyWith(lines);
        assertEquals(AuditVerifier.Problem.INSERTED, r.problem(), r.toString());
        assertEquals(6, r.line(), r.toString());

        // a forger who computes seq and prev right for the line he inserts is still caught at the next line
        lines = new ArrayList<>(clean);
        String forged = "{\"seq\":6,\"event\":\"ACCEPTED\",\"ticket\":\"forged\",\"prev\":\""
                + AuditLog.sha256(clean.get(4)) + "\"}";
        lines.add(5, forged);
        r = verifyWith(lines);
        assertEquals(AuditVerifier.Problem.INSERTED, r.problem(), r.toString());
        assertEquals(6, r.line(), r.toString());
    }

    @Test
    void aRemovedLineIsNamed() throws Exception {
        for (int line : new int[] {1, 3, 7}) {
            List<String> lines = new ArrayList<>(clean);
            lines.remove(line - 1);
            AuditVerifier.Result r = verifyWith(lines);
            assertEquals(AuditVerifier.Problem.REMOVED, r.problem(), r.toString());
            assertEquals(line, r.line(), r.toString());
        }
    }

    @Test
    void linesCutOffTheEndAreDetectedThroughTheHead() throws Exception {
        AuditVerifier.Result r = verifyWith(clean.subList(0, 7));
        assertEquals(AuditVerifier.Problem.TRUNCATED, r.problem(), r.toString());
        assertEquals(8, r.line(), r.toString());
        assertTrue(r.message().contains("last 3"), r.message());

        Files.delete(AuditLog.headFile(log));
        r = verifyWith(clean);
        assertEquals(AuditVerifier.Problem.HEAD_MISSING, r.problem(), r.toString());
    }

    @Test
    void aLineBeyondTheHeadIsAnErrorAndOnlyRecoveryAcceptsOneSuchLine() throws Exception {
        byte[] headOfTen = Files.readAllBytes(AuditLog.headFile(log));
        try (AuditLog a = new AuditLog(log, Clock.systemUTC())) {
            a.append("ACCEPTED", Map.of("ticket", "t-11"));
            a.append("ACCEPTED", Map.of("ticket", "t-12"));
        }
        List<String> twelve = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.write(AuditLog.headFile(log), headOfTen); // as if the head updates after line 10 never happened

        AuditVerifier.Result strict = verifyWith(twelve.subList(0, 11));
        assertFalse(strict.ok(), strict.toString());
        assertEquals(AuditVerifier.Problem.BEYOND_HEAD, strict.problem(), strict.toString());
        assertEquals(11, strict.line(), strict.toString());

        AuditVerifier.Result recovered = AuditVerifier.verify(log, true);
        assertTrue(recovered.ok(), recovered.toString());
        assertEquals(11, recovered.entries());

        Files.write(log, twelve, StandardCharsets.UTF_8);
        AuditVerifier.Result two = AuditVerifier.verify(log, true);
        assertEquals(AuditVerifier.Problem.BEYOND_HEAD, two.problem(), two.toString());
        assertEquals(12, two.line(), two.toString());
    }
}
