package io.keywarden.monitor.internal.observe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of files, remembered by path, size and modification time: executables and bundle jars rarely change, and
 * hashing every one of them on each collection would cost more than the collection itself.
 */
public final class Hashes {
    private record Key(Path path, long size, long modified) {}

    private final Map<Key, String> cache = new ConcurrentHashMap<>();

    public Optional<String> ofFile(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            Key k = new Key(file, a.size(), a.lastModifiedTime().toMillis());
            String h = cache.get(k);
            if (h == null) {
                try (InputStream in = Files.newInputStream(file)) {
                    h = of(in);
                }
                if (cache.size() > 4096) {
                    cache.clear();
                }
                cache.put(k, h);
            }
            return Optional.of(h);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    public static String of(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String of(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
