package io.keywarden.revocation.internal.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.keywarden.support.files.DurableFiles;

/**
 * Nonces seen per requester within the replay window, on disk so a restart does not reopen replay. Each nonce is
 * appended (and forced) before the request it came with is answered; at start the file is read and rewritten with
 * only the entries still inside the window.
 */
public final class NonceStore implements Closeable {
    private final Path file;
    private final Duration window;
    private final Map<String, Instant> seen = new HashMap<>();
    private FileChannel out;

    public NonceStore(Path file, Duration window, Instant now) throws IOException {
        this.file = file;
        this.window = window;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split("\t", 3);
                if (f.length != 3) {
                    continue; // a line cut short by a crash: its request was never answered
                }
                try {
                    Instant at = Instant.ofEpochMilli(Long.parseLong(f[0]));
                    if (at.isAfter(now.minus(window))) {
                        seen.put(key(f[1], f[2]), at);
                    }
                } catch (NumberFormatException e) {
                    // same: a torn line
                }
            }
        }
        StringBuilder kept = new StringBuilder();
        seen.forEach(
                (k, at) -> kept.append(at.toEpochMilli()).append('\t').append(k).append('\n'));
        DurableFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        out = DurableFiles.openAppend(file);
    }

    /**
     * Records the nonce unless it was seen within the window.
     *
     * @return false when it is a replay
     */
    public synchronized boolean firstUse(String requester, String nonce, Instant now) throws IOException {
        String k = key(requester, nonce);
        Instant before = seen.get(k);
        if (before != null && before.isAfter(now.minus(window))) {
            return false;
        }
        DurableFiles.append(out, (now.toEpochMilli() + "\t" + k + "\n").getBytes(StandardCharsets.UTF_8));
        seen.put(k, now);
        if (seen.size() > 10_000) {
            seen.values().removeIf(at -> !at.isAfter(now.minus(window)));
        }
        return true;
    }

    private static String key(String requester, String nonce) {
        // tabs and newlines cannot occur: both are checked strings, but keep the file parseable regardless
        return requester.replaceAll("[\t\n\r]", " ") + "\t" + nonce.replaceAll("[\t\n\r]", " ");
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    Path file() {
        return file;
    }
}
