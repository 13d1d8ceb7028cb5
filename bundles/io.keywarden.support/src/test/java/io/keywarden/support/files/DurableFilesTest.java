package io.keywarden.support.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void aSecretIsOwnerOnlyAndItsMissingDirectoriesToo() throws Exception {
        Path file = dir.resolve("a/b/key.pem");
        DurableFiles.write(file, "secret".getBytes(StandardCharsets.US_ASCII), true);
        assertEquals("secret", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
    }

    @Test
    void aPublicFileIsWorldReadableAndTheDefaultIsOwnerOnly() throws Exception {
        Path pub = dir.resolve("public.pem");
        DurableFiles.write(pub, new byte[] {1}, false);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)));
        Path dflt = dir.resolve("state");
        DurableFiles.write(dflt, new byte[] {1});
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dflt)));
    }

    @Test
    void aReplacementIsWholeAndALeftOverTemporaryFileFromACrashDoesNotLeakIntoIt() throws Exception {
        Path file = dir.resolve("journal");
        DurableFiles.write(file, "old content that is longer".getBytes(StandardCharsets.US_ASCII));
        // a crash between creating the temporary file and the rename left this behind, world-readable
        Path tmp = dir.resolve("journal.tmp");
        Files.writeString(tmp, "half written garbage, much longer than anything else here");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw-rw-"));
        DurableFiles.write(file, "new".getBytes(StandardCharsets.US_ASCII), true);
        assertEquals("new", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(tmp));
    }

    @Test
    void severalFilesAreWrittenWholeOwnerOnlyWithoutTemporaryFilesLeft() throws Exception {
        Path journal = dir.resolve("journal");
        Files.createDirectories(journal);
        Files.writeString(journal.resolve("2.decision"), "old");
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            files.put(i + ".decision", ("decision " + i).getBytes(StandardCharsets.US_ASCII));
        }
        DurableFiles.writeAll(journal, files);
        try (var listed = Files.list(journal)) {
            assertEquals(3, listed.count(), "no temporary file left");
        }
        for (int i = 1; i <= 3; i++) {
            Path f = journal.resolve(i + ".decision");
            assertEquals("decision " + i, Files.readString(f));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
    }

    @Test
    void appendsGoToTheEndOfAnOwnerOnlyFile() throws Exception {
        Path log = dir.resolve("audit.log");
        try (FileChannel ch = DurableFiles.openAppend(log)) {
            DurableFiles.append(ch, new byte[] {1, 2});
        }
        try (FileChannel ch = DurableFiles.openAppend(log)) {
            DurableFiles.append(ch, new byte[] {3});
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(log));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    }
}
