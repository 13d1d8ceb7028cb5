package io.keywarden.support.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Writes that survive a crash or a power cut: a file is replaced whole or not at all (temporary sibling created with
 * its final permissions before any byte is written, content forced to disk, atomic rename, directory forced so the
 * rename itself is durable); appends are forced before they return. Directories this class creates are owner-only.
 */
public final class DurableFiles {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private DurableFiles() {}

    /** Replaces {@code file} with {@code content}, readable by the owner only. */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    /**
     * Replaces {@code file} with {@code content}. A secret is readable by the owner only, anything else by everyone;
     * the permissions are those of the temporary file from its creation, so a secret is never readable by others,
     * not even for a moment. A missing parent directory is created owner-only.
     */
    public static void write(Path file, byte[] content, boolean secret) throws IOException {
        replace(file, content, secret);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Writes several files in one directory as {@link #write(Path, byte[], boolean)} does, owner-only, the directory
     * forced once after the last rename: each file is whole or absent, and all renames are durable when this returns.
     */
    public static void writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            replace(dir.resolve(f.getKey()), f.getValue(), true);
        }
        forceDirectory(dir.toAbsolutePath());
    }

    private static void replace(Path file, byte[] content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createPrivateDirectories(dir);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (isPosix(dir)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(secret ? OWNER_FILE : PUBLIC_FILE));
        }
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, content);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Appends to an open channel and forces it to disk. */
    public static void append(FileChannel ch, byte[] content) throws IOException {
        writeFully(ch, content);
        ch.force(false);
    }

    /** Opens a file for appending, creating it owner-only (and durably) if it does not exist. */
    public static FileChannel openAppend(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.exists(file) && isPosix(dir)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } catch (FileAlreadyExistsException e) {
                // created concurrently: append to it
            }
            forceDirectory(dir);
        }
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Creates a directory and its missing parents, each readable by the owner only. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        createPrivateDirectories(parent);
        try {
            if (isPosix(parent == null ? dir : parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // created concurrently
        }
    }

    /** Makes a rename or a new file in {@code dir} durable (Linux; a no-op where directories cannot be opened). */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this platform: the rename is still atomic
        }
    }

    private static void writeFully(FileChannel ch, byte[] content) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static boolean isPosix(Path p) {
        return p != null && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
