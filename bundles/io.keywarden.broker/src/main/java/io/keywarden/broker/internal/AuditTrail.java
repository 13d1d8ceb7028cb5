package io.keywarden.broker.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only audit of broker containment: one JSON object per line for every decision, every command sent, every
 * broker answer and every failure to reach it, forced to disk before the caller goes on. Never holds a secret.
 */
final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final Path file;
    private final Clock clock;

    AuditTrail(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        Files.createDirectories(file.toAbsolutePath().getParent());
    }

    void record(String event, Decision d, String detail) {
        append(List.of(line(event, d, detail)), event, d.identity());
    }

    /** One line per decision, {@code details} in the same order, forced to disk once. */
    void recordAll(String event, List<Decision> decisions, List<String> details) {
        List<Map<String, Object>> lines = new ArrayList<>(decisions.size());
        for (int i = 0; i < decisions.size(); i++) {
            lines.add(line(event, decisions.get(i), details.get(i)));
        }
        if (!lines.isEmpty()) {
            append(
                    lines,
                    event,
                    decisions.size() + " identities from " + decisions.get(0).identity());
        }
    }

    private Map<String, Object> line(String event, Decision d, String detail) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        line.put("sequence", d.sequence());
        line.put("action", d.action().name());
        line.put("identity", d.identity());
        line.put("reason", d.reason());
        line.put("source", d.source());
        line.put("detail", detail);
        return line;
    }

    /** Something that is no decision: a refused operator command, a session ended on reconnect. */
    void note(String event, String identity, String detail) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        line.put("identity", identity);
        line.put("detail", detail);
        append(List.of(line), event, identity);
    }

    private synchronized void append(List<Map<String, Object>> lines, String event, String identity) {
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> line : lines) {
            text.append(JsonUtil.toJson(line)).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        } catch (IOException e) {
            // the journal still holds the decision; the log says what the audit could not
            LOG.error("Cannot append to the broker audit {}: {} (event {} {})", file, e.getMessage(), event, identity);
        }
    }

    Path file() {
        return file;
    }
}
