package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.api.revocation.DenyList;
import io.keywarden.support.files.DurableFiles;

/**
 * The serials denied locally, one per line in a file rewritten atomically on every addition: an entry is on disk
 * before the request that caused it is answered. Lookups are from memory (called at every handshake).
 */
public final class DenyListStore implements DenyList {
    private final Path file;
    private final Set<String> denied = ConcurrentHashMap.newKeySet();

    public DenyListStore(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    denied.add(normalize(line.trim()));
                }
            }
        }
    }

    /** Lowercase hexadecimal without leading zeros, as CertificateRecord and Pebble write serials. */
    public static String normalize(String serial) {
        try {
            return new BigInteger(serial.trim(), 16).toString(16);
        } catch (NumberFormatException e) {
            return serial.trim().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Denies the serials: in memory at once (enforcement sees them even if the disk fails), then on disk.
     *
     * @throws IOException when the file could not be written; the serials stay denied until the process ends, and
     *             the ticket journal puts them back at the next start
     */
    public synchronized void addAll(Collection<String> serials) throws IOException {
        Set<String> next = new TreeSet<>(denied);
        for (String s : serials) {
            next.add(normalize(s));
        }
        if (next.size() == denied.size()) {
            return;
        }
        denied.addAll(next);
        DurableFiles.write(file, (String.join("\n", next) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean isDenied(String serial) {
        return serial != null && denied.contains(normalize(serial));
    }

    @Override
    public Set<String> getDeniedSerials() {
        return Collections.unmodifiableSet(new TreeSet<>(denied));
    }
}
