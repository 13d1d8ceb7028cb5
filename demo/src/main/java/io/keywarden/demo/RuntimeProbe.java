package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads the runtime's process from outside for the benchmarks: CPU time from /proc, and through the JDK's
 * {@code jcmd} (the same JDK as this process) the live heap and the collector's accumulated pause time. Nothing here
 * changes what the runtime does apart from the full collection a live-heap reading forces.
 */
final class RuntimeProbe {
    private RuntimeProbe() {}

    /** The pid of this process's child running the named binary (e.g. the bench's Pebble), or -1. */
    static long childPid(String binary) {
        return ProcessHandle.current()
                .children()
                .filter(h -> h.info()
                        .command()
                        .map(c -> c.endsWith("/" + binary) || c.equals(binary))
                        .orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1);
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            throw new DemoException("cannot read the runtime's CPU time: " + e);
        }
    }

    /**
     * Bytes of live objects after a full collection: {@code GC.class_histogram} collects first and its last line is
     * the total.
     */
    static long liveHeapBytes(long pid) {
        String out = jcmd(pid, "GC.class_histogram");
        String[] lines = out.strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        if (f.length < 3 || !f[0].equals("Total")) {
            throw new DemoException("jcmd GC.class_histogram: no total in its answer");
        }
        return Long.parseLong(f[2]);
    }

    /** Milliseconds the runtime's collectors (young and old) have spent, from the JVM's performance counters. */
    static double gcMillis(long pid) {
        long ticks = 0;
        double frequency = 0;
        for (String line : jcmd(pid, "PerfCounter.print").split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1).trim();
            if (name.matches("sun\\.gc\\.collector\\.\\d+\\.time")) {
                ticks += Long.parseLong(value);
            } else if (name.equals("sun.os.hrt.frequency")) {
                frequency = Long.parseLong(value);
            }
        }
        if (frequency == 0) {
            throw new DemoException("jcmd PerfCounter.print: no sun.os.hrt.frequency");
        }
        return ticks * 1000.0 / frequency;
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new DemoException("jcmd " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DemoException("cannot run " + jcmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }
}
