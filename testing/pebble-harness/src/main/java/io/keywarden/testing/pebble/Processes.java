package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Starts external processes with logs in files, and makes sure none survives the JVM. */
public final class Processes {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (Process p : List.copyOf(LIVE)) {
                                destroy(p);
                            }
                        },
                        "pebble-harness-reaper"));
    }

    private Processes() {}

    public static Process start(List<String> command, Map<String, String> extraEnv, Path workDir, Path logFile) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        // never inherit Pebble knobs from the caller's environment: the builder decides
        pb.environment().keySet().removeIf(k -> k.startsWith("PEBBLE_"));
        pb.environment().putAll(extraEnv);
        try {
            Files.writeString(
                    logFile,
                    "=== starting: " + String.join(" ", command) + " env " + extraEnv + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Process p = pb.start();
            LIVE.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Destroys the process and all its descendants; waits (bounded) for them to end. */
    public static void destroy(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> family = new ArrayList<>();
        p.descendants().forEach(family::add);
        family.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : family) {
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            family.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(p);
        }
    }

    public static String tail(Path logFile, int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log file " + logFile + ")";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    static void requireExecutable(Path binary) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    binary + " not found or not executable: install Pebble with `apt-get install pebble`");
        }
    }
}
