package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.keywarden.testing.sensors.ChannelClient;
import io.keywarden.testing.sensors.EstSensor;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * {@code bench-channel [N] [--seconds S] [--idle T] [--configured] [--kept-alive-only]}: the sensor channel's capacity. A local Pebble
 * and the runtime with the monitor and the EST server; N sensors bootstrap over EST with their IDevIDs (Bouncy
 * Castle's client, each key only in this process), so each is a SENSOR record and nothing else, as in the field. With
 * {@code --configured} they are sensor configurations instead (one ConfigAdmin configuration and one DS component
 * each, the key made here). The runtime's live heap after a full collection is read with no connection. Then, from this process, the N sensors report once a second for S seconds (default 30)
 * over kept-alive connections, and again for S seconds with a new connection per report. For each run: sensors served
 * (at least one report accepted and none refused or failed), p50/p99 of a report's round trip as the sensor sees it,
 * the runtime's CPU (utime + stime from /proc, % of one core) on the runtime's JVM flags and the share of wall time
 * its collectors took (the JVM's counters, through jcmd).
 */
final class BenchChannelCommand {
    private static final String GATEWAY = "gateway.bench-channel.keywarden.test";
    private static final String DOMAIN = ".bench-channel.keywarden.test";
    private static final int CLIENT_THREADS = 64;
    /** The monitor's default {@code channel.threads}. */
    private static final int CHANNEL_THREADS = 16;

    private static final long IDLE_SETTLE_MILLIS = 20_000;
    private static final long WARM_UP_MIN_MILLIS = 5_000;
    private static final long WARM_UP_MAX_MILLIS = 180_000;

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures;
    /** {@code --kept-alive-only}: no second phase with a new connection per report ({@code bench-all}'s P5). */
    private boolean keptAliveOnly;
    /** {@code --jetty-floor}: last, the same kept-alive run against {@link JettyFloor} instead of the runtime. */
    private boolean jettyFloor;

    BenchChannelCommand(Layout layout, PrintStream out) {
        this(layout, out, new Figures());
    }

    /** As the command line runs it; the figures also go to {@code figures} (for {@code bench-all}). */
    BenchChannelCommand(Layout layout, PrintStream out, Figures figures) {
        this.layout = layout;
        this.out = out;
        this.figures = figures;
    }

    int run(List<String> args) {
        int n = 1000;
        int seconds = 30;
        int idle = 0;
        boolean configured = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--kept-alive-only")) {
                keptAliveOnly = true;
            } else if (a.equals("--jetty-floor")) {
                jettyFloor = true;
            } else if (a.equals("--seconds")) {
                seconds = Args.intValue(args, ++i, 0, 3600);
            } else if (a.equals("--idle")) {
                idle = Args.intValue(args, ++i, 10, 3600);
            } else if (a.equals("--configured")) {
                configured = true;
            } else if (a.matches("\\d+")) {
                n = Args.intValue(args, i, 0, 20_000);
            } else {
                throw new DemoException("bench-channel: unknown argument " + a + "\n" + Bench.USAGE, 2);
            }
        }
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.demoDir();
        try (LocalStage stage = LocalStage.start(work)) {
            return measure(stage, runtimeJar, work, new Options(n, seconds, idle, configured));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    private record Options(int n, int seconds, int idle, boolean configured) {}

    /** The runtime and the sensors, each with the key and chain it holds. */
    private record Enrolled(RuntimeProcess runtime, List<SimulatedSensor> sensors) {}

    /** What one run saw: per-report round trips (ms) and per-sensor outcomes. */
    private static final class Run {
        final ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> bad = new ConcurrentHashMap<>();
        final Map<String, String> lastBad = new ConcurrentHashMap<>();
        final Set<String> warm = ConcurrentHashMap.newKeySet();
        volatile boolean measuring;
    }

    private int measure(LocalStage stage, Path runtimeJar, Path work, Options o) throws InterruptedException {
        out.printf(
                "Keywarden bench-channel: %d sensors (%s) report once a second, %d s kept-alive%s%n",
                o.n(),
                o.configured() ? "sensor configurations" : "enrolled over EST with their IDevIDs",
                o.seconds(),
                keptAliveOnly ? "" : ", " + o.seconds() + " s new connection per report");
        ContainmentStage contain = ContainmentStage.configure(stage, GATEWAY, 0);
        appendMonitorLimits(stage, o.n());
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
        Enrolled e = o.configured()
                ? enrollConfigured(stage, contain, runtimeJar, work, o.n())
                : enrollOverEst(stage, contain, runtimeJar, o.n());
        RuntimeProcess runtime = e.runtime();
        out.printf(
                "  enrolled %d sensors; channel https://127.0.0.1:%d; runtime JVM flags: %s%n",
                o.n(),
                contain.channelPort,
                System.getProperty("keywarden.runtime.jvmArgs", RuntimeProcess.DEFAULT_JVM_ARGS));
        liveHeap("no connection", runtime.pid());
        try {
            if (o.idle() > 0) {
                runtime = idleAfterRestart(stage, runtime, runtimeJar, contain, o.idle());
            }
            if (o.seconds() > 0 && o.n() > 0) {
                phase("kept-alive connections", runtime.pid(), e.sensors(), o.seconds(), false);
                liveHeap(o.n() + " kept-alive connections", runtime.pid());
                if (!keptAliveOnly) {
                    phase("a new connection per report", runtime.pid(), e.sensors(), o.seconds(), true);
                }
                if (jettyFloor) {
                    runtime.close();
                    floor(stage, work, e.sensors(), o.seconds());
                }
            }
        } finally {
            e.sensors().forEach(SimulatedSensor::close);
        }
        return 0;
    }

    /**
     * The kept-alive run again, against {@link JettyFloor} (the channel's Jetty and TLS settings, a handler that only
     * reads the body and answers) in its own JVM on the runtime's flags, the runtime stopped: the part of the
     * channel's CPU that is Jetty, the JDK's TLS and the kernel.
     */
    private void floor(LocalStage stage, Path work, List<SimulatedSensor> sensors, int seconds)
            throws InterruptedException {
        String flags = System.getProperty("keywarden.runtime.jvmArgs", RuntimeProcess.DEFAULT_JVM_ARGS);
        try (JettyFloorProcess floor =
                JettyFloorProcess.start(work, stage.pebble.rootCertificates(), CHANNEL_THREADS, flags)) {
            List<SimulatedSensor> clients = floor.sameSensors(sensors);
            try {
                phase("Jetty floor, kept-alive connections", floor.pid(), clients, seconds, false);
            } finally {
                clients.forEach(SimulatedSensor::close);
            }
        }
    }

    private Enrolled enrollConfigured(LocalStage stage, ContainmentStage contain, Path runtimeJar, Path work, int n) {
        Map<String, Crypto.SensorKey> keys = configureSensors(stage, work, n);
        RuntimeProcess runtime = stage.startRuntime(runtimeJar, List.of());
        Set<String> expected = new LinkedHashSet<>(keys.keySet());
        expected.add(GATEWAY);
        Set<String> missing = stage.awaitCurrent(expected, 600_000, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException("not enrolled within 600 s: " + LocalStage.abbreviate(missing));
        }
        contain.awaitReady(60_000);
        Map<String, StateDir.Cert> certs = stage.state().current();
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<SimulatedSensor> sensors = new ArrayList<>();
        for (Map.Entry<String, Crypto.SensorKey> k : keys.entrySet()) {
            sensors.add(contain.sensor(
                    k.getKey(), k.getValue().keyPair(), certs.get(k.getKey()), Profile.WELL_BEHAVED, roots));
        }
        return new Enrolled(runtime, sensors);
    }

    /** Every sensor bootstraps over EST with its IDevID (16 at once), as the demo's do. */
    private Enrolled enrollOverEst(LocalStage stage, ContainmentStage contain, Path runtimeJar, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("s-" + i);
        }
        EstBootstrap est = EstBootstrap.configure(stage, ids, GATEWAY, DOMAIN);
        RuntimeProcess runtime = stage.startRuntime(runtimeJar, List.of());
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<SimulatedSensor> sensors = new ArrayList<>();
        est.awaitGateway(stage, runtime);
        contain.awaitReady(60_000);
        for (EstSensor s : est.bootstrap(stage, runtime, out).values()) {
            sensors.add(contain.sensor(s.deviceId(), s.key(), s.chain(), Profile.WELL_BEHAVED, roots));
        }
        return new Enrolled(runtime, sensors);
    }

    private void liveHeap(String when, long pid) {
        out.printf(
                Locale.ROOT,
                "  runtime live heap after a full collection, %s: %.1f MiB%n",
                when,
                RuntimeProbe.liveHeapBytes(pid) / 1048576.0);
    }

    /**
     * Idle CPU: the runtime is restarted (as a gateway reboots), given {@value #IDLE_SETTLE_MILLIS} ms to settle once
     * its channel is open, then its utime + stime is read over S seconds while no sensor does anything.
     */
    private RuntimeProcess idleAfterRestart(
            LocalStage stage, RuntimeProcess runtime, Path runtimeJar, ContainmentStage contain, int seconds)
            throws InterruptedException {
        runtime.close();
        RuntimeProcess restarted = stage.startRuntime(runtimeJar, List.of());
        contain.awaitReady(120_000);
        Thread.sleep(IDLE_SETTLE_MILLIS);
        long cpu0 = RuntimeProbe.cpuTicks(restarted.pid());
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double percent =
                (RuntimeProbe.cpuTicks(restarted.pid()) - cpu0) * 10_000_000.0 / (System.nanoTime() - t0) * 100.0;
        out.printf(Locale.ROOT, "  idle after a restart, %d s: runtime CPU %.2f%% of one core%n", seconds, percent);
        out.printf(Locale.ROOT, "RESULT bench-channel idle cpu=%.2f%%%n", percent);
        return restarted;
    }

    /** One run: a warm-up (every sensor connected and heard once), then S measured seconds. */
    private void phase(String what, long pid, List<SimulatedSensor> sensors, int seconds, boolean reconnect)
            throws InterruptedException {
        Run run = new Run();
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(CLIENT_THREADS, r -> {
            Thread t = new Thread(r, "bench-sensor");
            t.setDaemon(true);
            return t;
        });
        long spread = 1_000_000L / sensors.size();
        for (int i = 0; i < sensors.size(); i++) {
            SimulatedSensor s = sensors.get(i);
            pool.scheduleAtFixedRate(() -> beat(s, run, reconnect), i * spread, 1_000_000L, TimeUnit.MICROSECONDS);
        }
        long warmUp = warmUp(run, sensors.size());
        out.printf(
                Locale.ROOT,
                "  %s: warm-up %.1f s (%d of %d sensors had a report accepted)%n",
                what,
                warmUp / 1000.0,
                run.warm.size(),
                sensors.size());
        run.measuring = true;
        long cpu0 = RuntimeProbe.cpuTicks(pid);
        double gc0 = RuntimeProbe.gcMillis(pid);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu1 = RuntimeProbe.cpuTicks(pid);
        long wall = System.nanoTime() - t0;
        double gcPercent = (RuntimeProbe.gcMillis(pid) - gc0) * 1e6 / wall * 100.0;
        run.measuring = false;
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        report(what, run, sensors, (cpu1 - cpu0) * 10_000_000.0 / wall * 100.0);
        out.printf(Locale.ROOT, "    the runtime's collectors: %.1f%% of wall time%n", gcPercent);
    }

    /**
     * At least {@value #WARM_UP_MIN_MILLIS} ms, and until every sensor has had a report accepted (its first
     * connection's handshake is done; at most {@value #WARM_UP_MAX_MILLIS} ms): on 2 shared cores the first
     * handshakes of 1,000 sensors take longer than a few seconds, and would otherwise be measured as kept-alive work.
     */
    private static long warmUp(Run run, int sensors) throws InterruptedException {
        long t0 = System.nanoTime();
        Thread.sleep(WARM_UP_MIN_MILLIS);
        while (run.warm.size() < sensors && System.nanoTime() - t0 < WARM_UP_MAX_MILLIS * 1_000_000L) {
            Thread.sleep(100);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void beat(SimulatedSensor s, Run run, boolean reconnect) {
        synchronized (s) {
            if (reconnect) {
                s.client().close();
            }
            long t = System.nanoTime();
            ChannelClient.Result r = s.report();
            double ms = (System.nanoTime() - t) / 1e6;
            if (!run.measuring) {
                if (r.isSuccess()) {
                    run.warm.add(s.deviceId());
                }
                return;
            }
            if (r.isSuccess()) {
                run.millis.add(ms);
                run.accepted
                        .computeIfAbsent(s.deviceId(), k -> new AtomicLong())
                        .incrementAndGet();
            } else {
                run.bad.computeIfAbsent(s.deviceId(), k -> new AtomicLong()).incrementAndGet();
                run.lastBad.put(s.deviceId(), r.toString());
            }
        }
    }

    private void report(String what, Run run, List<SimulatedSensor> sensors, double cpuPercent) {
        List<Double> sorted = new ArrayList<>(run.millis);
        Collections.sort(sorted);
        long served = sensors.stream()
                .filter(s -> run.accepted.containsKey(s.deviceId()) && !run.bad.containsKey(s.deviceId()))
                .count();
        long never = sensors.stream()
                .filter(s -> !run.accepted.containsKey(s.deviceId()))
                .count();
        long badReports = run.bad.values().stream().mapToLong(AtomicLong::get).sum();
        String figure = what.startsWith("kept") ? "kept_alive" : what.startsWith("Jetty") ? "jetty_floor" : "reconnect";
        figures.put(figure + ".sensors", sensors.size());
        figures.put(figure + ".served", served);
        figures.put(figure + ".refused_or_failed", badReports);
        figures.put(figure + ".p50_ms", pct(sorted, 50));
        figures.put(figure + ".p99_ms", pct(sorted, 99));
        figures.put(figure + ".cpu_pct", cpuPercent);
        out.printf(
                Locale.ROOT,
                "  %s: %d/%d sensors served (%d never accepted), %d reports accepted, %d refused or "
                        + "failed; p50 %.1f ms, p99 %.1f ms, max %.1f ms; runtime CPU %.1f%% of one core%n",
                what,
                served,
                sensors.size(),
                never,
                sorted.size(),
                badReports,
                pct(sorted, 50),
                pct(sorted, 99),
                sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1),
                cpuPercent);
        run.lastBad.entrySet().stream()
                .limit(3)
                .forEach(e -> out.printf("    e.g. %s: %s%n", e.getKey(), e.getValue()));
        out.printf(
                Locale.ROOT,
                "RESULT bench-channel %s served=%d/%d p50=%.1f p99=%.1f cpu=%.1f%%%n",
                what.replace(' ', '-'),
                served,
                sensors.size(),
                pct(sorted, 50),
                pct(sorted, 99),
                cpuPercent);
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.isEmpty() ? Double.NaN : BenchContainCommand.percentile(sorted, p);
    }

    /** Every sensor connects from 127.0.0.1: the per-source cap must admit them all. */
    private static void appendMonitorLimits(LocalStage stage, int n) {
        Path cfg = stage.etc.resolve("io.keywarden.monitor.cfg");
        try {
            Files.writeString(
                    cfg,
                    "channel.max.connections.per.source = " + (2 * n + 64) + "\n",
                    StandardCharsets.ISO_8859_1,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new DemoException("cannot write " + cfg + ": " + e);
        }
    }

    private static Map<String, Crypto.SensorKey> configureSensors(LocalStage stage, Path work, int n) {
        Map<String, Crypto.SensorKey> keys = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            String id = "s-" + i;
            List<String> names = List.of(id + DOMAIN);
            Crypto.SensorKey key = Crypto.sensorKey(work.resolve("sensors").resolve(id), names);
            keys.put(id, key);
            ConfigFiles.writeSensor(stage.etc, Integer.toString(i), new ConfigFiles.Sensor(id, names, key.csrFile()));
        }
        return keys;
    }
}
