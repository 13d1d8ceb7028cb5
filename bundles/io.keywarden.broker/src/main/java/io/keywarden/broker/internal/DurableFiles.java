package io.keywarden.broker.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Small maps as properties files, each replaced whole through the shared durable write (a crash leaves old or new). */
final class DurableFiles {

    private DurableFiles() {}

    static Map<String, String> readMap(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException none) {
            return new TreeMap<>();
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    static void writeMap(Path file, Map<String, String> entries, String comment) throws IOException {
        write(file, mapBytes(entries, comment));
    }

    static byte[] mapBytes(Map<String, String> entries, String comment) throws IOException {
        Properties p = new Properties();
        p.putAll(entries);
        StringWriter w = new StringWriter();
        p.store(w, comment);
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Files in one directory, each whole or absent, the directory forced once (the shared durable write). */
    static void writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        io.keywarden.support.files.DurableFiles.writeAll(dir, files);
    }

    static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // owner-only, written, forced, renamed into place, directory forced: the shared rule every bundle follows
        io.keywarden.support.files.DurableFiles.write(target, content, true);
    }

    static void syncDirectory(Path dir) {
        io.keywarden.support.files.DurableFiles.forceDirectory(dir);
    }
}
