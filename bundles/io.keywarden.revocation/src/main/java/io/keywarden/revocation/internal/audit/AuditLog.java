package io.keywarden.revocation.internal.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;

import io.keywarden.support.files.DurableFiles;

/**
 * The append-only audit log: one JSON object per line, each carrying its sequence number and the SHA-256 of the
 * line before it ({@code prev}), so editing, inserting or removing a line breaks the chain. A separate head file
 * ({@code count} and the hash of the last line, replaced atomically after every append) also reveals lines cut
 * off the end. Every append is forced to disk before it returns.
 */
public final class AuditLog implements Closeable {
    public static final String GENESIS = "0".repeat(64);
    static final String SEQ = "seq";
    static final String PREV = "prev";

    private final Path file;
    private final Path head;
    private final Clock clock;
    private FileChannel out;
    private long count;
    private String lastHash;

    public AuditLog(Path file, Clock clock) throws IOException {
        this.file = file;
        this.head = headFile(file);
        this.clock = clock;
        count = 0;
        lastHash = GENESIS;
        if (Files.exists(file)) {
            // continue the chain from the last complete line; a line torn by a crash is left for verify to report
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            count = lines.size();
            if (!lines.isEmpty()) {
                lastHash = sha256(lines.get(lines.size() - 1));
            }
        }
        out = DurableFiles.openAppend(file);
    }

    public static Path headFile(Path log) {
        return log.resolveSibling(log.getFileName() + ".head");
    }

    /** Appends one entry; {@code fields} must not use the keys {@code seq}, {@code at}, {@code prev}. */
    public void append(String event, Map<String, ?> fields) throws IOException {
        appendAll(List.of(Map.entry(event, fields)));
    }

    /**
     * Appends entries in order with one forced write and one head update for all of them (what parallel revocation
     * workers settle together); each line is chained to the one before as if appended alone.
     */
    public synchronized void appendAll(List<? extends Map.Entry<String, ? extends Map<String, ?>>> entries)
            throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        long n = count;
        String hash = lastHash;
        for (Map.Entry<String, ? extends Map<String, ?>> entry : entries) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put(SEQ, n + 1);
            e.put("at", clock.instant().toString());
            e.put("event", entry.getKey());
            entry.getValue().forEach((k, v) -> {
                if (v != null) {
                    e.put(k, v);
                }
            });
            e.put(PREV, hash);
            String line = JsonUtil.toJson(e);
            lines.append(line).append('\n');
            n++;
            hash = sha256(line);
        }
        DurableFiles.append(out, lines.toString().getBytes(StandardCharsets.UTF_8));
        count = n;
        lastHash = hash;
        DurableFiles.write(head, (count + " " + lastHash + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public Path file() {
        return file;
    }

    static String sha256(String line) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
