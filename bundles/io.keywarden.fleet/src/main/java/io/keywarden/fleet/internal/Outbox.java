package io.keywarden.fleet.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Signed messages (notices, a gateway's inventory and escrow deposit) the broker has not acknowledged yet, one file per topic level, written before the first publish
 * attempt and deleted on acknowledgement: a broker outage or a restart loses none.
 */
final class Outbox {

    /** One unacknowledged notice. */
    record Entry(String topicLevel, String compactJws) {
    }

    private final Path dir;

    Outbox(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    synchronized void put(String topicLevel, String compactJws) throws IOException {
        AtomicFiles.write(dir.resolve(topicLevel + ".jws"), compactJws.getBytes(StandardCharsets.US_ASCII));
    }

    void remove(String topicLevel) throws IOException {
        Files.deleteIfExists(dir.resolve(topicLevel + ".jws"));
    }

    /** Removes the entry only if it still holds {@code compactJws}: a newer message put meanwhile stays. */
    synchronized void removeIfUnchanged(String topicLevel, String compactJws) throws IOException {
        Path f = dir.resolve(topicLevel + ".jws");
        if (Files.exists(f) && Files.readString(f, StandardCharsets.US_ASCII).equals(compactJws)) {
            Files.delete(f);
        }
    }

    List<Entry> pending() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jws")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                out.add(new Entry(name.substring(0, name.length() - 4), Files.readString(f, StandardCharsets.US_ASCII)));
            }
        }
        return out;
    }
}
