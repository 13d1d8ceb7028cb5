package io.keywarden.relyingparty;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.keywarden.support.files.DurableFiles;

/**
 * The serials that verified notices denied (serial → ticket id): in memory for the per-handshake check, and in a
 * file rewritten atomically (write, fsync, rename) before the change becomes visible, so a restart without any
 * message source still denies them. Thread-safe; lookups never block.
 */
public final class DenySet {

    private final Path file;
    private final Map<String, String> denied = new ConcurrentHashMap<>();
    private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();

    private DenySet(Path file) {
        this.file = file;
    }

    /** Opens (or starts) the deny set kept in {@code file}. */
    public static DenySet open(Path file) throws IOException {
        DenySet set = new DenySet(requireNonNull(file, "file"));
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException first) {
            return set;
        }
        p.stringPropertyNames().forEach(serial -> set.denied.put(serial, p.getProperty(serial)));
        return set;
    }

    /**
     * Denies the notice's serials, on disk first. Returns the serials that were not denied before: empty for a notice
     * seen before (a replay changes nothing).
     */
    public synchronized Set<String> apply(Notice notice) throws IOException {
        Map<String, String> added = new TreeMap<>();
        for (String serial : notice.serials()) {
            if (!denied.containsKey(serial)) {
                added.put(serial, notice.ticketId());
            }
        }
        if (added.isEmpty()) {
            return Set.of();
        }
        Map<String, String> next = new TreeMap<>(denied);
        next.putAll(added);
        save(next);
        denied.putAll(added);
        Set<String> result = Set.copyOf(added.keySet());
        listeners.forEach(l -> l.accept(result));
        return result;
    }

    /** Told of the serials each change denied, after they count for handshakes (the TLS contexts end their sessions). */
    public void onDenied(Consumer<Set<String>> listener) {
        listeners.add(listener);
    }

    /** @param serial lowercase hexadecimal without leading zeros, as {@code BigInteger.toString(16)} writes it */
    public boolean isDenied(String serial) {
        return denied.containsKey(serial);
    }

    /** The ticket that denied a serial. */
    public Optional<String> ticketOf(String serial) {
        return Optional.ofNullable(denied.get(serial));
    }

    public Set<String> getDeniedSerials() {
        return Set.copyOf(denied.keySet());
    }

    public Path file() {
        return file;
    }

    private void save(Map<String, String> entries) throws IOException {
        Properties p = new Properties();
        p.putAll(entries);
        StringWriter w = new StringWriter();
        p.store(w, "serials denied by verified revocation notices: serial=ticket");
        DurableFiles.write(file, w.toString().getBytes(StandardCharsets.UTF_8));
    }
}
