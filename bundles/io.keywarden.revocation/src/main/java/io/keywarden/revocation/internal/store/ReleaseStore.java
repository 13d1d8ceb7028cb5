package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.support.files.DurableFiles;

/**
 * The serials an authority's signed release freed, with the time of the release: one {@code serial epoch-millis} a
 * line, the file rewritten atomically on every release (on disk before the request is answered). A serial stays
 * denied; its release lets the device get one new certificate ({@link io.keywarden.api.revocation.DenyList#releasedAt}).
 */
public final class ReleaseStore {
    private final Path file;
    private final Map<String, Instant> released = new ConcurrentHashMap<>();

    public ReleaseStore(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split(" ");
                if (f.length != 2) {
                    throw new IOException(file + ": not a release line (serial epoch-millis): " + line);
                }
                try {
                    released.put(DenyListStore.normalize(f[0]), Instant.ofEpochMilli(Long.parseLong(f[1])));
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": not a release time: " + line, e);
                }
            }
        }
    }

    /** Records the release of the serials at {@code at} (a later release of a serial replaces an earlier one). */
    public synchronized void release(Collection<String> serials, Instant at) throws IOException {
        Map<String, Instant> next = new TreeMap<>(released);
        serials.forEach(s -> next.put(DenyListStore.normalize(s), at));
        StringBuilder text = new StringBuilder();
        next.forEach(
                (s, t) -> text.append(s).append(' ').append(t.toEpochMilli()).append('\n'));
        DurableFiles.write(file, text.toString().getBytes(StandardCharsets.US_ASCII));
        released.putAll(next);
    }

    public Optional<Instant> releasedAt(String serial) {
        return serial == null ? Optional.empty() : Optional.ofNullable(released.get(DenyListStore.normalize(serial)));
    }
}
