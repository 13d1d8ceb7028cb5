package io.keywarden.fleet.internal.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuance logs an authority kept in files before they moved to its database ({@link JdbcLogStore}), read once to
 * import them: {@code <gateway>.log} per gateway, one {@code <received ms> <compact JWS>} line per entry. A line torn
 * by a crash (the last one, without its newline) is not an entry.
 */
public final class LegacyLogFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyLogFiles.class);

    /** One entry as the file kept it: when it arrived, and the signed message. */
    public record Stored(long receivedAtMillis, String compactJws) {}

    private final Path dir;

    public LegacyLogFiles(Path dir) {
        this.dir = dir;
    }

    /** The gateways with a log file; none when the directory does not exist. */
    public Set<String> gateways() throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                out.add(name.substring(0, name.length() - 4));
            }
        }
        return out;
    }

    /** A gateway's entries in order, sequence 1 first; empty when it has none. */
    public List<Stored> read(String gatewayId) throws IOException {
        Path f = dir.resolve(gatewayId + ".log");
        if (!Files.exists(f)) {
            return List.of();
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII);
        List<Stored> out = new ArrayList<>();
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
            String line = text.substring(start, nl);
            int sp = line.indexOf(' ');
            try {
                out.add(new Stored(Long.parseLong(line.substring(0, Math.max(sp, 0))), line.substring(sp + 1)));
            } catch (NumberFormatException e) {
                // the file was edited: serve what comes before, and say so; the file itself stays as it is
                LOG.error(
                        "{}: line {} is not '<ms> <jws>': only the {} entries before it are read",
                        f,
                        out.size() + 1,
                        out.size());
                return out;
            }
        }
        if (start < text.length()) {
            LOG.warn("{}: ignoring an incomplete last line (a crash during an append)", f);
        }
        return out;
    }

    /** Moves the directory aside once its logs are in the database, so they are imported once. */
    public void retire() throws IOException {
        Files.move(dir, dir.resolveSibling(dir.getFileName() + ".imported"));
    }
}
