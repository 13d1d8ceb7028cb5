package io.keywarden.monitor.internal.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.keywarden.api.monitor.ProcessInfo;

/**
 * Processes from /proc: the executable /proc/&lt;pid&gt;/exe points to, its SHA-256 and the command line. Processes
 * of other users whose exe cannot be read are listed with what can be read (their command line).
 */
public final class ProcessCollector {
    private final Path proc;
    private final Hashes hashes;

    public ProcessCollector(Path proc, Hashes hashes) {
        this.proc = proc;
        this.hashes = hashes;
    }

    public List<ProcessInfo> collect() {
        List<ProcessInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc)) {
            for (Path d : ds) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                ProcessInfo p = read(Long.parseLong(name), d);
                if (p != null) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private ProcessInfo read(long pid, Path dir) {
        String cmdline;
        try {
            byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
            cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return null; // the process ended while we looked
        }
        String exe = null;
        String sha = null;
        try {
            Path target = Files.readSymbolicLink(dir.resolve("exe"));
            exe = target.toString();
            // through /proc/<pid>/exe when the path no longer holds the running image (replaced or deleted)
            sha = hashes.ofFile(target)
                    .or(() -> hashes.ofFile(dir.resolve("exe")))
                    .orElse(null);
        } catch (IOException | SecurityException e) {
            // kernel thread or another user's process
        }
        return new ProcessInfo(pid, exe, sha, cmdline);
    }
}
