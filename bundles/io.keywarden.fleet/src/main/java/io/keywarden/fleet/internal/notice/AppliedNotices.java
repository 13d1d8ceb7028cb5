package io.keywarden.fleet.internal.notice;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.api.revocation.DenyList;
import io.keywarden.relyingparty.Notice;
import io.keywarden.support.files.DurableFiles;

/**
 * The serials verified notices denied, serial → ticket id, kept in memory for the per-handshake check and on disk
 * (rewritten atomically on every change) so a restart without the broker still denies them.
 */
public final class AppliedNotices implements DenyList {

    private final Path file;
    private final Map<String, String> denied = new ConcurrentHashMap<>();

    public AppliedNotices(Path file) throws IOException {
        this.file = file;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException first) {
            return;
        }
        p.stringPropertyNames().forEach(serial -> denied.put(serial, p.getProperty(serial)));
    }

    /** Denies the notice's serials; returns those that were not denied before. */
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
        return added.keySet();
    }

    private void save(Map<String, String> entries) throws IOException {
        Properties p = new Properties();
        p.putAll(entries);
        StringWriter w = new StringWriter();
        p.store(w, "serials denied by verified fleet revocation notices: serial=ticket");
        DurableFiles.write(file, w.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean isDenied(String serial) {
        return denied.containsKey(serial);
    }

    @Override
    public Set<String> getDeniedSerials() {
        return Set.copyOf(denied.keySet());
    }
}
