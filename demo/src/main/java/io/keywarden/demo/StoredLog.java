package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** Reads a gateway's issuance log as the fleet authority stored it ({@code logs/<gateway>.log} in its data dir). */
final class StoredLog {
    private StoredLog() {}

    /** The payloads of the stored entries, in order; what can be read so far while the file is being written. */
    static List<Map<String, Object>> entries(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            if (!Files.exists(file)) {
                return out;
            }
            // one "<received ms> <compact JWS>" line per entry; a line still being written has no newline yet
            for (String line : Files.readString(file, StandardCharsets.US_ASCII).split("\n")) {
                String[] parts = line.substring(line.indexOf(' ') + 1).split("\\.");
                out.add(JsonUtil.parseJson(
                        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)));
            }
        } catch (IOException | JoseException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /** The serials of the certificates the stored entries record. */
    static Set<String> serials(Path file) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> entry : entries(file)) {
            if (entry.get("record") instanceof Map<?, ?> m) {
                out.add(String.valueOf(m.get("serial")));
            }
        }
        return out;
    }
}
