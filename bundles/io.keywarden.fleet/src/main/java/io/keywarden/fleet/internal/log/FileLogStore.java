package io.keywarden.fleet.internal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
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

import io.keywarden.support.files.DurableFiles;

/**
 * {@link LogStore} in files: {@code <gateway>.log} per gateway, one {@code <received ms> <compact JWS>} line per
 * entry, each append forced to disk. A line torn by a crash (the last one, without its newline) is not an entry.
 */
public final class FileLogStore implements LogStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileLogStore.class);

    private final Path dir;

    public FileLogStore(Path dir) throws IOException {
        this.dir = dir;
        DurableFiles.createPrivateDirectories(dir);
    }

    @Override
    public Set<String> gateways() throws IOException {
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                out.add(name.substring(0, name.length() - 4));
            }
        }
        return out;
    }

    @Override
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

    @Override
    public void append(String gatewayId, List<Stored> entries) throws IOException {
        Path f = dir.resolve(gatewayId + ".log");
        StringBuilder lines = new StringBuilder();
        entries.forEach(e -> lines.append(e.receivedAtMillis())
                .append(' ')
                .append(e.compactJws())
                .append('\n'));
        try (FileChannel ch = DurableFiles.openAppend(f)) {
            DurableFiles.append(ch, lines.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }
}
