package io.keywarden.monitor.internal.response;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.support.files.DurableFiles;

/**
 * Devices the monitor keeps off the channel, with why, kept in memory for the per-handshake check and written
 * through to quarantine.properties so a restart keeps them out.
 */
public final class QuarantineStore {
    private final Path file;
    private final Map<String, String> reasons = new ConcurrentHashMap<>();

    public QuarantineStore(Path dataDir) throws IOException {
        this.file = dataDir.resolve("quarantine.properties");
        if (Files.exists(file)) {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            p.stringPropertyNames().forEach(k -> reasons.put(k, p.getProperty(k)));
        }
    }

    public Optional<String> reason(String deviceId) {
        return Optional.ofNullable(reasons.get(deviceId));
    }

    public boolean contains(String deviceId) {
        return reasons.containsKey(deviceId);
    }

    public Set<String> devices() {
        return new TreeSet<>(reasons.keySet());
    }

    /**
     * Quarantines in memory (the channel refuses from this instant); {@link #save()} persists.
     *
     * @return false when the device was already quarantined
     */
    public boolean add(String deviceId, String reason) {
        return reasons.putIfAbsent(deviceId, reason) == null;
    }

    public boolean remove(String deviceId) throws IOException {
        if (reasons.remove(deviceId) == null) {
            return false;
        }
        save();
        return true;
    }

    /** Writes the current list (whole file, synced); later calls write later states, so order does not matter. */
    public synchronized void save() throws IOException {
        Properties p = new Properties();
        p.putAll(reasons);
        StringWriter w = new StringWriter();
        p.store(w, "devices the Keywarden monitor refuses on the sensor channel");
        DurableFiles.write(file, w.toString().getBytes(StandardCharsets.UTF_8), false);
    }
}
