package io.keywarden.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The standalone runtime ({@code java -jar runtime/target/keywarden.jar}) as a child process. */
public final class RuntimeProcess implements AutoCloseable {
    /**
     * A gateway's JVM: small serial-GC heap, and the C1 compiler only. Measured with 200 and 1000 sensors on 2
     * cores: C2's compile threads cost more CPU than they save in enrollment bursts (docs/benchmarks.md).
     */
    static final String DEFAULT_JVM_ARGS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m";

    private final Process process;
    private final Path log;
    private final Instant startedAt;
    private OperatorConsole console;

    private RuntimeProcess(Process process, Path log, Instant startedAt) {
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    /** The java launcher running this driver, so the runtime uses the same JDK. */
    static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    /**
     * The command line: the etc/ directory is given absolutely ({@code felix.fileinstall.dir}), so the working
     * directory does not matter.
     */
    public static List<String> command(Path runtimeJar, Path etc, List<String> extraSystemProperties) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-Dfelix.fileinstall.dir=" + etc.toAbsolutePath());
        cmd.addAll(extraSystemProperties);
        // JVM options for the runtime, replaced by -Dkeywarden.runtime.jvmArgs="..." (e.g. a flight recording)
        String more = System.getProperty("keywarden.runtime.jvmArgs", DEFAULT_JVM_ARGS)
                .trim();
        if (!more.isEmpty()) {
            cmd.addAll(List.of(more.split("\\s+")));
        }
        cmd.add("-jar");
        cmd.add(runtimeJar.toString());
        return cmd;
    }

    /** Starts the runtime in the background: no console, output to {@code log}. */
    static RuntimeProcess startBackground(
            Path runtimeJar, Path etc, Path workDir, Path log, List<String> extraSystemProperties) {
        List<String> cmd = new ArrayList<>(command(runtimeJar, etc, extraSystemProperties));
        // no console: the runtime would also decide so itself, stdin being /dev/null
        cmd.add(1, "-Dgosh.args=--nointeractive");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try {
            Files.createDirectories(workDir);
            Instant t0 = Instant.now();
            return new RuntimeProcess(pb.start(), log, t0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd), e);
        }
    }

    /**
     * Starts the runtime in the background with its Gogo console on a pipe, as an operator's terminal: standard
     * output (what the console answers) is read by {@link #console()}, the log (standard error) goes to {@code log}.
     * Nothing the console prints reaches a file, so a one-time code shown to the operator is not written down.
     */
    static RuntimeProcess startWithConsole(
            Path runtimeJar, Path etc, Path workDir, Path log, List<String> extraSystemProperties) {
        List<String> cmd = new ArrayList<>(command(runtimeJar, etc, extraSystemProperties));
        cmd.add(1, "-Dgosh.args="); // interactive: commands from the pipe; the framework stops when it closes
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Files.createDirectories(workDir);
            Instant t0 = Instant.now();
            Process p = pb.start();
            RuntimeProcess rt = new RuntimeProcess(p, log, t0);
            rt.console = new OperatorConsole(p.getOutputStream(), p.getInputStream());
            return rt;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd), e);
        }
    }

    /** The Gogo console of a runtime started with {@link #startWithConsole}. */
    OperatorConsole console() {
        if (console == null) {
            throw new IllegalStateException("the runtime was started without a console");
        }
        return console;
    }

    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return startedAt;
    }

    /** SIGKILL, as a power cut or the OOM killer would: no shutdown hook, no deactivate, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    String tail(int lines) {
        return tail(log, lines);
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        Deque<String> last = new ArrayDeque<>();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
        return String.join("\n", last);
    }

    /** SIGTERM, then SIGKILL after a few seconds; idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> family = process.descendants().toList();
        if (console != null) {
            console.close();
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        family.forEach(ProcessHandle::destroyForcibly);
    }
}
