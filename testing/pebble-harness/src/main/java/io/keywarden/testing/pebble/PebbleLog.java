package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Pebble's own log tells that its management interface does not. */
final class PebbleLog {
    private PebbleLog() {}

    /** Orders accepted since the log's last "Starting Pebble ACME server" line. */
    static int orderCount(Path logFile) {
        try {
            String log = Files.readString(logFile);
            int start = log.lastIndexOf("Starting Pebble ACME server");
            return (int) log.substring(Math.max(0, start))
                    .lines()
                    .filter(l -> l.contains("Added order"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }
}
