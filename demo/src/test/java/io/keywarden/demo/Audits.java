package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** Reads revocation audit logs ({@code audit.log}: one JSON object a line) as a test checks them. */
final class Audits {
    private Audits() {}

    /** How many entries of {@code event} the log holds so far. */
    static long count(Path audit, String event) {
        return entries(audit).stream().filter(e -> event.equals(e.get("event"))).count();
    }

    /** How many lines of a text file (a runtime's log) contain {@code text}. */
    static long lines(Path file, String text) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Per serial, the CA's answers ({@code revoked}, {@code alreadyRevoked}) every REVOKED_AT_CA entry recorded. */
    static Map<String, List<String>> revocations(List<Path> audits) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Path audit : audits) {
            for (Map<String, Object> e : entries(audit)) {
                if ("REVOKED_AT_CA".equals(e.get("event"))) {
                    out.computeIfAbsent(String.valueOf(e.get("serial")), k -> new ArrayList<>())
                            .add(String.valueOf(e.get("caAnswer")));
                }
            }
        }
        return out;
    }

    /** The complete lines so far (the last one may still be being written by a live runtime). */
    static List<Map<String, Object>> entries(Path audit) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(audit)) {
            return out;
        }
        try {
            for (String line : Files.readString(audit, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    try {
                        out.add(JsonUtil.parseJson(line));
                    } catch (JoseException partial) {
                        // the line a runtime is appending, or the last one of a killed runtime
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
