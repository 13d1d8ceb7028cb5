package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench-all}'s P4: a gateway with the monitor and the revocation component, {@code small} sensors enrolled
 * through sensor configurations (the cheapest path for the driver: the gateway holds their keys); the runtime
 * restarted to time its start to all bundles ACTIVE and its idle CPU; then {@code large} sensors in all and the heap
 * after a full GC. The heap is read with {@code jcmd} (GC.run, then GC.heap_info) from the JDK running this driver.
 */
final class FootprintBench {
    private static final String GATEWAY = "gateway.footprint.keywarden.test";
    private static final String DOMAIN = ".footprint.keywarden.test";
    /** bnd's launcher, with launch.trace=true, writes this once every run bundle is started. */
    private static final String READY_LINE = "launcher.ready=true";

    private static final int STALL_SECONDS = 30;
    private static final int STALL_MIN = 30;
    private static final int LARGE_BOUND_SECONDS = 600;

    private static final Pattern USED = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K");

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures;

    FootprintBench(Layout layout, PrintStream out, Figures figures) {
        this.layout = layout;
        this.out = out;
        this.figures = figures;
    }

    void run(int small, int large, int idleSeconds) throws InterruptedException {
        Path runtimeJar = layout.requireRuntimeJar();
        out.printf(
                Locale.ROOT,
                "Keywarden footprint: %d then %d sensors (configurations, gateway-held keys), monitor on%n",
                small,
                large);
        try (LocalStage stage = LocalStage.start(layout.demoDir())) {
            ContainmentStage.configure(stage, GATEWAY, 0);
            quietSensors(stage);
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
            addSensors(stage, 1, small);
            RuntimeProcess rt = stage.startRuntime(runtimeJar, List.of());
            awaitEnrolled(stage, small, 300);
            rt.close();

            rt = stage.startRuntime(runtimeJar, List.of("-Dlaunch.trace=true"));
            double toActive = awaitReady(stage.runtimeLog, rt);
            figures.put("start_active_s", toActive);
            figures.put("start_active.sensors", small);
            out.printf(Locale.ROOT, "  restart with %d sensors -> all bundles ACTIVE  %.2f s%n", small, toActive);
            Thread.sleep(10_000); // the restart's own work (configurations read, components activated) settles
            double idle = cpuPercent(rt.pid(), idleSeconds);
            figures.put("idle_cpu_pct", idle);
            out.printf(
                    Locale.ROOT,
                    "  idle CPU over %d s with %d sensors      %.2f%% of one core%n",
                    idleSeconds,
                    small,
                    idle);
            double heapSmall = heapAfterGc(rt.pid());
            figures.put("heap_small_mib", heapSmall);
            out.printf(Locale.ROOT, "  heap after a full GC with %d sensors     %.1f MiB%n", small, heapSmall);

            addSensors(stage, small + 1, large);
            int enrolled = enrollLarge(stage, rt, large);
            double heapLarge = heapAfterGc(rt.pid());
            figures.put("heap_large_mib", heapLarge);
            figures.put("heap_large.sensors", enrolled);
            if (enrolled < large) {
                figures.put("stalled_at", enrolled);
                figures.put("wanted", large);
            }
            // per configured sensor: when enrollment stalled, the sensors not yet enrolled are in the heap too
            figures.put("kb_per_sensor", (heapLarge - heapSmall) * 1024 / (large - small));
            out.printf(
                    Locale.ROOT,
                    "  heap after a full GC with %d sensors configured, %d enrolled     %.1f MiB (%.1f KiB per sensor "
                            + "above %d)%n",
                    large,
                    enrolled,
                    heapLarge,
                    (heapLarge - heapSmall) * 1024 / (large - small),
                    small);
            out.printf(Locale.ROOT, "  runtime peak resident memory: %s%n", BenchCommand.Cpu.peakRss(rt.pid()));
        }
        sizes();
    }

    /**
     * No sensor reports here, so with the stage's 30 s heartbeat every one would turn into a "silent" incident 90 s
     * after the restart, and the idle and heap figures would measure incident handling. A day's heartbeat keeps
     * the sensors monitored (records, silence checks) with nothing due.
     */
    private static void quietSensors(LocalStage stage) {
        Path cfg = stage.etc.resolve("io.keywarden.monitor.cfg");
        try {
            Files.writeString(
                    cfg,
                    "baseline.heartbeat.seconds = 86400\n",
                    StandardCharsets.ISO_8859_1,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new DemoException("cannot write " + cfg + ": " + e);
        }
    }

    private static void addSensors(LocalStage stage, int from, int to) {
        for (int i = from; i <= to; i++) {
            String id = String.format(Locale.ROOT, "fp-%05d", i);
            ConfigFiles.writeSensor(
                    stage.etc, Integer.toString(i), new ConfigFiles.Sensor(id, List.of(id + DOMAIN), null));
        }
    }

    private void awaitEnrolled(LocalStage stage, int n, int timeoutSeconds) {
        Set<String> expected = new java.util.TreeSet<>();
        expected.add(GATEWAY);
        for (int i = 1; i <= n; i++) {
            expected.add(String.format(Locale.ROOT, "fp-%05d", i));
        }
        long t0 = System.nanoTime();
        Set<String> missing = stage.awaitCurrent(expected, timeoutSeconds * 1000L, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException(missing.size() + " of " + n + " sensors not enrolled within " + timeoutSeconds
                    + " s: " + LocalStage.abbreviate(missing));
        }
        out.printf(Locale.ROOT, "  %d sensors enrolled (%.1f s)%n", n, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Waits until {@code large} sensors are enrolled, the runtime dies, or enrollment has stalled: fewer than
     * {@link #STALL_MIN} certificates in the last {@link #STALL_SECONDS} s, or {@link #LARGE_BOUND_SECONDS} in all. A
     * runtime out of heap spends its time in full GCs and trickles a certificate every few seconds (seen with 5,000
     * sensors on -Xmx64m; a healthy one enrolls 15-60 per second here). Returns how many sensors are enrolled.
     */
    private int enrollLarge(LocalStage stage, RuntimeProcess rt, int large) throws InterruptedException {
        long t0 = System.nanoTime();
        java.util.ArrayDeque<long[]> window = new java.util.ArrayDeque<>(); // {time, enrolled}
        while (true) {
            int have = (int) stage.state().current().keySet().stream()
                    .filter(id -> id.startsWith("fp-"))
                    .count();
            long now = System.nanoTime();
            window.addLast(new long[] {now, have});
            if (have >= large) {
                out.printf(Locale.ROOT, "  %d sensors enrolled (%.1f s)%n", have, (now - t0) / 1e9);
                return have;
            }
            if (!rt.isAlive()) {
                throw new DemoException(
                        "the runtime exited with " + have + " of " + large + " sensors enrolled:\n" + rt.tail(20));
            }
            boolean full = now - window.peekFirst()[0] >= TimeUnit.SECONDS.toNanos(STALL_SECONDS);
            while (now - window.peekFirst()[0] > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                window.removeFirst();
            }
            long recent = have - window.peekFirst()[1];
            if ((full && recent < STALL_MIN) || now - t0 > TimeUnit.SECONDS.toNanos(LARGE_BOUND_SECONDS)) {
                out.printf(
                        Locale.ROOT,
                        "  enrollment stalled: %d of %d sensors enrolled, %d in the last %d s (%.1f s in all)%n",
                        have,
                        large,
                        recent,
                        STALL_SECONDS,
                        (now - t0) / 1e9);
                return have;
            }
            Thread.sleep(1000);
        }
    }

    /** Seconds from the process start to the launcher's ready line in the log (polled every 5 ms). */
    private static double awaitReady(Path log, RuntimeProcess rt) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!rt.isAlive()) {
                throw new DemoException("the runtime exited during its start:\n" + rt.tail(40));
            }
            if (logHas(log, READY_LINE)) {
                return java.time.Duration.between(rt.startedAt(), java.time.Instant.now())
                                .toNanos()
                        / 1e9;
            }
            Thread.sleep(5);
        }
        throw new DemoException("the runtime's bundles were not all started within 60 s:\n" + rt.tail(40));
    }

    private static boolean logHas(Path log, String text) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static double cpuPercent(long pid, int seconds) throws InterruptedException {
        double cpu0 = BenchCommand.Cpu.seconds(pid);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double cpu = BenchCommand.Cpu.seconds(pid) - cpu0;
        return 100 * cpu / ((System.nanoTime() - t0) / 1e9);
    }

    /** MiB in use in the young and old generations after {@code jcmd GC.run} (a full GC with the serial collector). */
    static double heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        long kib = 0;
        int found = 0;
        while (m.find()) {
            kib += Long.parseLong(m.group(1));
            found++;
        }
        if (found == 0) {
            throw new DemoException("jcmd GC.heap_info gave no generation sizes:\n" + info);
        }
        return kib / 1024.0;
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new DemoException("jcmd " + command + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new DemoException("cannot run " + jcmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /** The bundles' jars and the Kura deployment package, as built in this checkout. */
    private void sizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (var dirs = Files.list(layout.home.resolve("bundles"))) {
            // io.keywarden.support is not deployed: bnd copies its packages into the bundles that use them
            for (Path dir : dirs.sorted()
                    .filter(d -> !d.endsWith("io.keywarden.support"))
                    .toList()) {
                Path jar = dir.resolve("target").resolve(dir.getFileName() + "-0.1.0-SNAPSHOT.jar");
                if (Files.isRegularFile(jar)) {
                    sizes.put(dir.getFileName().toString(), Files.size(jar));
                }
            }
            try (var dp = Files.list(layout.home.resolve("kura-deploy/target"))) {
                for (Path p : dp.filter(f -> f.toString().endsWith(".dp")).toList()) {
                    figures.put("dp_bytes", Files.size(p));
                }
            }
        } catch (IOException e) {
            figures.note("dp_bytes", "not built (" + e.getMessage() + ")");
        }
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        figures.put("bundle_jars_bytes", total);
        figures.note("bundle_jars_bytes", sizes.size() + " bundle jars");
        sizes.forEach((k, v) -> out.printf(Locale.ROOT, "  %-30s %,d bytes%n", k, v));
        out.printf(
                Locale.ROOT,
                "  bundle jars in all %,d bytes; .dp %s%n",
                total,
                figures.has("dp_bytes")
                        ? String.format(Locale.ROOT, "%,.0f bytes", figures.get("dp_bytes"))
                        : "not built");
    }
}
