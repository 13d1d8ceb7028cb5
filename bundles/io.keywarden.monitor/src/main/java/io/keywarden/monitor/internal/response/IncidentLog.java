package io.keywarden.monitor.internal.response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.api.monitor.Severity;
import io.keywarden.monitor.internal.report.ReportException;
import io.keywarden.monitor.internal.report.StrictJson;

/**
 * Incidents, appended as one JSON object per line to incidents.jsonl (an update, such as the revocation ticket id,
 * appends the incident again; the last line of an id wins when reading back).
 */
public final class IncidentLog {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentLog.class);
    private static final int KEEP_IN_MEMORY = 10_000;

    private final Path file;
    private final Map<String, Incident> incidents = new LinkedHashMap<>();

    public IncidentLog(Path dataDir) throws IOException {
        this.file = dataDir.resolve("incidents.jsonl");
        if (Files.exists(file)) {
            int line = 0;
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                line++;
                try {
                    Incident i = fromJson(l);
                    incidents.put(i.getId(), i);
                } catch (ReportException | RuntimeException e) {
                    // a line cut short by a crash: the incidents before and after it are still good
                    LOG.warn("{}:{} skipped: {}", file, line, e.getMessage());
                }
            }
        }
    }

    public synchronized void append(Incident i) throws IOException {
        incidents.remove(i.getId());
        incidents.put(i.getId(), i);
        if (incidents.size() > KEEP_IN_MEMORY) {
            incidents.remove(incidents.keySet().iterator().next());
        }
        Files.writeString(
                file,
                toJson(i) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    public synchronized List<Incident> all() {
        List<Incident> out = new ArrayList<>(incidents.values());
        out.sort((a, b) -> a.getDecidedAt().compareTo(b.getDecidedAt()));
        return out;
    }

    static String toJson(Incident i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.getId());
        m.put("device", i.getDeviceId());
        m.put("serial", i.getSerial().orElse(null));
        m.put("rule", i.getRule());
        m.put("severity", i.getSeverity().name());
        m.put("action", i.getAction().name());
        m.put("observedAt", i.getObservedAt().toString());
        m.put("decidedAt", i.getDecidedAt().toString());
        m.put("evidence", i.getEvidence());
        m.put("ticket", i.getRevocationTicketId().orElse(null));
        return StrictJson.write(m);
    }

    @SuppressWarnings("unchecked")
    static Incident fromJson(String line) throws ReportException {
        Map<String, Object> m = (Map<String, Object>) StrictJson.parse(line);
        Incident.Builder b = Incident.builder()
                .id((String) m.get("id"))
                .deviceId((String) m.get("device"))
                .serial((String) m.get("serial"))
                .rule((String) m.get("rule"))
                .severity(Severity.valueOf((String) m.get("severity")))
                .action(ResponseAction.valueOf((String) m.get("action")))
                .observedAt(Instant.parse((String) m.get("observedAt")))
                .decidedAt(Instant.parse((String) m.get("decidedAt")))
                .revocationTicketId((String) m.get("ticket"));
        ((Map<String, Object>) m.get("evidence")).forEach((k, v) -> b.evidence(k, String.valueOf(v)));
        return b.build();
    }
}
