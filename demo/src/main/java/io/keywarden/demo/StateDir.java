package io.keywarden.demo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads what the runtime wrote under {@code data.dir}: {@code devices/<id>/certs/<serial>.properties} (written
 * last, after the chain {@code <serial>.pem}).
 */
final class StateDir {
    private final Path root;

    StateDir(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** One certificate record. */
    record Cert(
            String deviceId,
            String kind,
            List<String> identifiers,
            String serial,
            Instant notAfter,
            String keyCustody,
            String status,
            Instant issuedAt,
            Path chainFile) {
        boolean isCurrent() {
            return "CURRENT".equals(status);
        }
    }

    /** The CURRENT certificate of every device that has one, by device id. */
    Map<String, Cert> current() {
        Map<String, Cert> out = new HashMap<>();
        Path devices = root.resolve("devices");
        if (!Files.isDirectory(devices)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devices)) {
            for (Path d : ds) {
                Path certs = d.resolve("certs");
                if (!Files.isDirectory(certs)) {
                    continue;
                }
                try (DirectoryStream<Path> cs = Files.newDirectoryStream(certs, "*.properties")) {
                    for (Path f : cs) {
                        Cert c = read(f);
                        if (c != null && c.isCurrent()) {
                            Cert prev = out.get(c.deviceId());
                            if (prev == null || c.issuedAt().isAfter(prev.issuedAt())) {
                                out.put(c.deviceId(), c);
                            }
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // a directory appearing or being replaced right now: next poll
        } catch (IOException e) {
            throw new DemoException("cannot read " + devices + ": " + e);
        }
        return out;
    }

    /** Null when the file is gone or not complete (the runtime writes it atomically, so rarely). */
    private static Cert read(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        } catch (IOException e) {
            return null;
        }
        try {
            String serial = p.getProperty("serial");
            return new Cert(
                    p.getProperty("device.id"),
                    p.getProperty("kind"),
                    List.of(p.getProperty("identifiers", "").split(",")),
                    serial,
                    Instant.parse(p.getProperty("not.after")),
                    p.getProperty("key.custody"),
                    p.getProperty("status"),
                    Instant.parse(p.getProperty("issued.at")),
                    f.resolveSibling(serial + ".pem"));
        } catch (RuntimeException e) {
            if (e instanceof DateTimeParseException || e instanceof NullPointerException) {
                return null;
            }
            throw e;
        }
    }
}
