package io.keywarden.fleet.internal.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.keywarden.support.files.DurableFiles;

/**
 * Signed messages (notices, a gateway's inventory and escrow deposit) the broker has not acknowledged yet, one file per topic level, written before the first publish
 * attempt and deleted on acknowledgement: a broker outage or a restart loses none.
 */
public final class Outbox {

    /** One unacknowledged notice. */
    public record Entry(String topicLevel, String compactJws) {}

    private final Path dir;

    public Outbox(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    public synchronized void put(String topicLevel, String compactJws) throws IOException {
        DurableFiles.write(dir.resolve(topicLevel + ".jws"), compactJws.getBytes(StandardCharsets.US_ASCII));
    }

    public void remove(String topicLevel) throws IOException {
        Files.deleteIfExists(dir.resolve(topicLevel + ".jws"));
    }

    /** Removes the entry only if it still holds {@code compactJws}: a newer message put meanwhile stays. */
    public synchronized void removeIfUnchanged(String topicLevel, String compactJws) throws IOException {
        Path f = dir.resolve(topicLevel + ".jws");
        if (Files.exists(f) && Files.readString(f, StandardCharsets.US_ASCII).equals(compactJws)) {
            Files.delete(f);
        }
    }

    public List<Entry> pending() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jws")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    out.add(new Entry(
                            name.substring(0, name.length() - 4), Files.readString(f, StandardCharsets.US_ASCII)));
                } catch (NoSuchFileException acknowledgedMeanwhile) {
                    // the broker's acknowledgement of an earlier send removed it between listing and reading
                }
            }
        }
        return out;
    }
}
