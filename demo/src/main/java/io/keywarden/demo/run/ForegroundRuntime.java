package io.keywarden.demo.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.keywarden.demo.DemoException;

/** The runtime as a child process that shares this terminal: its Gogo console is the user's. */
final class ForegroundRuntime {
    /** bnd's launcher exits with 117 ("STOPPED") when the framework was stopped on purpose (exit 0, Ctrl-D). */
    private static final int LAUNCHER_STOPPED = 117;

    private ForegroundRuntime() {}

    /** Runs {@code cmd} in {@code workDir} until it ends; its exit code, 0 for a deliberate stop. */
    static int run(List<String> cmd, Path workDir) {
        Process p;
        try {
            Files.createDirectories(workDir);
            p = new ProcessBuilder(cmd).directory(workDir.toFile()).inheritIO().start();
        } catch (IOException e) {
            throw new DemoException("cannot start the runtime: " + e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(p), "keywarden-run-cleanup"));
        try {
            int code = p.waitFor();
            return code == LAUNCHER_STOPPED ? 0 : code;
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Ctrl-C reaches both processes; give the runtime a moment, then make sure it is gone. */
    private static void stop(Process p) {
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }
}
