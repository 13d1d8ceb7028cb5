package io.keywarden.monitor.internal.response;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.api.monitor.Severity;

class IncidentLogTest {
    @TempDir
    Path dir;

    @Test
    void incidentsSurviveARestartAndATornLine() throws Exception {
        IncidentLog log = new IncidentLog(dir);
        Incident i = Incident.builder()
                .id("inc-1")
                .deviceId("s1")
                .serial("abc")
                .rule("unknown-firmware")
                .severity(Severity.CRITICAL)
                .action(ResponseAction.REVOKE)
                .observedAt(Instant.parse("2026-11-27T10:00:00Z"))
                .decidedAt(Instant.parse("2026-11-27T10:00:00.002Z"))
                .evidence("firmware.sha256", "\"quoted\"\n")
                .build();
        log.append(i);
        log.append(i.toBuilder().revocationTicketId("t-9").build());
        Files.writeString(
                dir.resolve("incidents.jsonl"),
                "{\"id\":\"inc-2\",\"dev",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        IncidentLog again = new IncidentLog(dir);
        assertEquals(1, again.all().size());
        Incident back = again.all().get(0);
        assertEquals("t-9", back.getRevocationTicketId().orElseThrow());
        assertEquals("\"quoted\"\n", back.getEvidence().get("firmware.sha256"));
        assertEquals(i.getDecidedAt(), back.getDecidedAt());
    }

    @Test
    void theMonitorKeyIsOwnerOnlyAndStable() throws Exception {
        MonitorIdentity a = MonitorIdentity.loadOrCreate(dir);
        MonitorIdentity b = MonitorIdentity.loadOrCreate(dir);
        assertEquals(a.publicKeyPem(), b.publicKeyPem());
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(MonitorIdentity.KEY_FILE))));
        assertEquals(a.publicKeyPem(), Files.readString(a.publicKeyFile()));
    }
}
