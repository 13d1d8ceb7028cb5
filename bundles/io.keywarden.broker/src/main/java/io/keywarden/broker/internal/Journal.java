package io.keywarden.broker.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decisions not yet answered by the broker, one durable file each (named by sequence so they replay in order). A
 * decision is written here before anything is sent, and removed only after the broker's answer is audited: a crash
 * in between pushes it again, which the SPI allows (its commands are idempotent).
 */
final class Journal {
    private static final String SUFFIX = ".decision";

    private final Path dir;
    private long next;

    Journal(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        for (Decision d : pending()) {
            next = Math.max(next, d.sequence() + 1);
        }
    }

    synchronized long nextSequence() {
        return next++;
    }

    void put(Decision d) throws IOException {
        putAll(List.of(d));
    }

    /** Journals the decisions, one durable file each, the directory forced once. */
    void putAll(List<Decision> decisions) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Decision d : decisions) {
            files.put(
                    file(d.sequence()).getFileName().toString(),
                    DurableFiles.mapBytes(d.toMap(), "containment decision awaiting the broker's answer"));
        }
        DurableFiles.writeAll(dir, files);
    }

    void remove(Decision d) throws IOException {
        removeAll(List.of(d));
    }

    /** Removes the decisions, the directory forced to disk once. */
    void removeAll(List<Decision> decisions) throws IOException {
        for (Decision d : decisions) {
            Files.deleteIfExists(file(d.sequence()));
        }
        DurableFiles.syncDirectory(dir);
    }

    /** Every pending decision, oldest first. */
    List<Decision> pending() throws IOException {
        List<Decision> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                try {
                    out.add(Decision.fromMap(DurableFiles.readMap(f)));
                } catch (RuntimeException corrupt) {
                    throw new IOException("unreadable journal entry " + f + ": " + corrupt.getMessage(), corrupt);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return out;
    }

    private Path file(long sequence) {
        return dir.resolve(String.format("%020d", sequence) + SUFFIX);
    }
}
