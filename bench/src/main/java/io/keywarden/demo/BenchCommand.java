package io.keywarden.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.keywarden.demo.bench.UncheckedValidation;

/**
 * {@code bench [N]}: a local Pebble (real http-01), the runtime, its gateway; once the gateway is enrolled, N
 * sensor configurations at once. Measures runtime start to gateway enrolled, and first sensor order to all N
 * sensors CURRENT, plus the CPU time Pebble and the runtime spent. A benchmark, not a test: it fails only when
 * certificates do not arrive.
 */
final class BenchCommand {
    private static final String GATEWAY = "gateway.bench.keywarden.test";
    private static final String DOMAIN = ".bench.keywarden.test";
    /** The ACME client logs order creation at debug; the bench reads the first sensor order's time from it. */
    private static final String ACME_CLIENT_LOGGER = "io.keywarden.acme.internal.client.AcmeClient";

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures;

    BenchCommand(Layout layout, PrintStream out) {
        this(layout, out, new Figures());
    }

    /** As the command line runs it; the figures also go to {@code figures} (for {@code bench-all}). */
    BenchCommand(Layout layout, PrintStream out, Figures figures) {
        this.layout = layout;
        this.out = out;
        this.figures = figures;
    }

    /** The command line of {@code bench}. */
    private record Options(
            int n,
            int concurrency,
            int withCsr,
            long timeoutSeconds,
            int legoParallel,
            int certbot,
            boolean alwaysValid) {
        static Options parse(List<String> args) {
            int n = 200;
            int concurrency = 8;
            int withCsr = 0;
            long timeoutSeconds = -1;
            int legoParallel = 0;
            int certbot = 0;
            boolean alwaysValid = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--concurrency" -> concurrency = Args.intValue(args, ++i, 1, 256);
                    case "--csr" -> withCsr = Args.intValue(args, ++i, 0, 100_000);
                    case "--timeout" -> timeoutSeconds = Args.intValue(args, ++i, 1, 86_400);
                    case "--lego" -> legoParallel = Args.intValue(args, ++i, 1, 256);
                    case "--certbot" -> certbot = Args.intValue(args, ++i, 1, 100_000);
                    case "--always-valid" -> alwaysValid = true;
                    default -> {
                        if (a.matches("\\d+")) {
                            n = Args.intValue(args, i, 1, 100_000);
                        } else {
                            throw new DemoException("bench: unknown argument " + a + "\n" + Bench.USAGE, 2);
                        }
                    }
                }
            }
            return new Options(
                    n,
                    concurrency,
                    Math.min(withCsr, n),
                    timeoutSeconds < 0 ? Math.max(180, n) : timeoutSeconds,
                    legoParallel,
                    certbot,
                    alwaysValid);
        }
    }

    /** What the sensor phase took: when the configurations were written, and the CPU spent meanwhile. */
    private record SensorPhase(Instant configured, double runtimeCpu, double pebbleCpu) {}

    int run(List<String> args) {
        Options o = Options.parse(args);
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.demoDir();
        out.printf(
                Locale.ROOT,
                "Keywarden bench: %d sensors (%d with their own CSR), enrollment.concurrency=%d, %s%n",
                o.n(),
                o.withCsr(),
                o.concurrency(),
                o.alwaysValid() ? "Pebble accepting every challenge unchecked" : "real http-01 validation");
        // benchmark only, to compare with peers measured that way; every test validates for real
        Map<String, String> pebbleEnv = UncheckedValidation.pebbleEnvironment(o.alwaysValid());
        try (LocalStage stage = LocalStage.start(work, pebbleEnv)) {
            out.println("  Pebble       " + stage.pebble.directoryUrl() + " (http-01 on 127.0.0.1:"
                    + stage.pebble.httpPort() + ")");
            Map<String, ConfigFiles.Sensor> sensors = sensors(work, o);
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, o.concurrency()));

            RuntimeProcess rt = stage.startRuntime(
                    runtimeJar, List.of("-Dorg.slf4j.simpleLogger.log." + ACME_CLIENT_LOGGER + "=debug"));
            long pebblePid = pebblePid();
            out.println("  runtime      pid " + rt.pid() + ", log " + stage.runtimeLog);
            Duration toGateway = awaitGateway(stage, rt);
            SensorPhase phase = enrollSensors(stage, rt, pebblePid, sensors, o);
            double rate = report(stage, rt, pebblePid, sensors, o, toGateway, phase);
            if (o.legoParallel() > 0 || o.certbot() > 0) {
                rt.close(); // frees the validation port for lego's webroot server and certbot's standalone one
                Peers peers = new Peers(stage, out, figures, rate, phase.runtimeCpu() / o.n());
                if (o.legoParallel() > 0) {
                    peers.lego(o.n(), o.legoParallel(), DOMAIN);
                }
                if (o.certbot() > 0) {
                    peers.certbot(o.certbot(), DOMAIN);
                }
            }
            return 0;
        }
    }

    /** N sensor configurations; the first {@code withCsr} hold their own key and send a CSR. */
    private static Map<String, ConfigFiles.Sensor> sensors(Path work, Options o) {
        Map<String, ConfigFiles.Sensor> sensors = new LinkedHashMap<>();
        for (int i = 1; i <= o.n(); i++) {
            String id = String.format(Locale.ROOT, "sensor-%05d", i);
            List<String> names = List.of(id + DOMAIN);
            Path csr = i <= o.withCsr()
                    ? Crypto.sensorKey(work.resolve("sensors").resolve(id), names)
                            .csrFile()
                    : null;
            sensors.put(id, new ConfigFiles.Sensor(id, names, csr));
        }
        return sensors;
    }

    /** Waits for the gateway's certificate; the time from the runtime's start to its issue. */
    private Duration awaitGateway(LocalStage stage, RuntimeProcess rt) {
        Set<String> missing = stage.awaitCurrent(Set.of(GATEWAY), 90_000, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException("the gateway got no certificate within 90 s. Last lines of " + stage.runtimeLog
                    + ":\n" + rt.tail(40));
        }
        StateDir.Cert gw = stage.state().current().get(GATEWAY);
        Duration toGateway = Duration.between(rt.startedAt(), gw.issuedAt());
        out.printf(Locale.ROOT, "  gateway      enrolled %.2f s after the runtime was started%n", seconds(toGateway));
        return toGateway;
    }

    /** Writes every sensor configuration at once and waits until all are CURRENT, showing progress. */
    private SensorPhase enrollSensors(
            LocalStage stage, RuntimeProcess rt, long pebblePid, Map<String, ConfigFiles.Sensor> sensors, Options o) {
        double rtCpu0 = Cpu.seconds(rt.pid());
        double pebbleCpu0 = Cpu.seconds(pebblePid);
        Instant configured = Instant.now();
        int k = 0;
        for (ConfigFiles.Sensor s : sensors.values()) {
            ConfigFiles.writeSensor(stage.etc, Integer.toString(++k), s);
        }
        final int total = o.n();
        final int step = Math.max(1, total / 10);
        int[] lastShown = {0};
        Set<String> missing = stage.awaitCurrent(sensors.keySet(), o.timeoutSeconds() * 1000, have -> {
            if (have >= lastShown[0] + step || have == total) {
                lastShown[0] = have;
                out.printf(
                        Locale.ROOT,
                        "  sensors      %d/%d after %.1f s%n",
                        have,
                        total,
                        seconds(Duration.between(configured, Instant.now())));
            }
        });
        SensorPhase phase =
                new SensorPhase(configured, Cpu.seconds(rt.pid()) - rtCpu0, Cpu.seconds(pebblePid) - pebbleCpu0);
        if (!missing.isEmpty()) {
            throw new DemoException(missing.size() + " of " + total + " sensors got no certificate within "
                    + o.timeoutSeconds() + " s (" + LocalStage.abbreviate(missing) + "). Last lines of "
                    + stage.runtimeLog + ":\n" + rt.tail(40));
        }
        return phase;
    }

    /** Prints the RESULT block; the sensor rate in certificates per second. */
    private double report(
            LocalStage stage,
            RuntimeProcess rt,
            long pebblePid,
            Map<String, ConfigFiles.Sensor> sensors,
            Options o,
            Duration toGateway,
            SensorPhase phase) {
        int n = o.n();
        Map<String, StateDir.Cert> current = stage.state().current();
        Instant lastIssued = sensors.keySet().stream()
                .map(id -> current.get(id).issuedAt())
                .max(Instant::compareTo)
                .orElseThrow();
        Instant firstIssued = sensors.keySet().stream()
                .map(id -> current.get(id).issuedAt())
                .min(Instant::compareTo)
                .orElseThrow();
        Optional<Instant> firstOrder = firstSensorOrder(stage.runtimeLog, phase.configured());
        Instant start = firstOrder.orElse(phase.configured());
        Duration wall = Duration.between(start, lastIssued);
        double rtCpu = phase.runtimeCpu();
        double pebbleCpu = phase.pebbleCpu();

        out.println();
        out.printf(Locale.ROOT, "RESULT n=%d concurrency=%d csr=%d%n", n, o.concurrency(), o.withCsr());
        out.printf(Locale.ROOT, "  runtime start -> gateway enrolled        %8.2f s%n", seconds(toGateway));
        out.printf(
                Locale.ROOT,
                "  sensor configs written -> first order    %8s%n",
                firstOrder
                        .map(t ->
                                String.format(Locale.ROOT, "%.2f s", seconds(Duration.between(phase.configured(), t))))
                        .orElse("n/a (no order line in the log)"));
        out.printf(
                Locale.ROOT,
                "  first sensor order -> first issued       %8.2f s%n",
                seconds(Duration.between(start, firstIssued)));
        out.printf(
                Locale.ROOT,
                "  first sensor order -> all %d CURRENT  %8.2f s  (%.1f certificates/s)%n",
                n,
                seconds(wall),
                n / Math.max(0.001, seconds(wall)));
        out.printf(
                Locale.ROOT,
                "  CPU during the sensor phase: runtime %.2f s, Pebble %.2f s "
                        + "(%.1f ms and %.1f ms per certificate)%n",
                rtCpu,
                pebbleCpu,
                1000 * rtCpu / n,
                1000 * pebbleCpu / n);
        out.printf(
                Locale.ROOT,
                "  CPU in total: runtime %.2f s, Pebble %.2f s%n",
                Cpu.seconds(rt.pid()),
                Cpu.seconds(pebblePid));
        out.printf(Locale.ROOT, "  runtime peak resident memory: %s%n", Cpu.peakRss(rt.pid()));
        record(n, wall, rtCpu, pebbleCpu);
        return n / Math.max(0.001, seconds(wall));
    }

    /** The figures of the sensor phase, for {@code bench-all}. */
    private void record(int n, Duration wall, double rtCpu, double pebbleCpu) {
        figures.put("n", n);
        figures.put("rate", n / Math.max(0.001, seconds(wall)));
        figures.put("cpu_ms", 1000 * rtCpu / n);
        figures.put("pebble_cpu_ms", 1000 * pebbleCpu / n);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Pebble is a child of this JVM (started by the harness); -1 if not found. */
    static long pebblePid() {
        return ProcessHandle.current()
                .children()
                .filter(h -> h.info()
                        .command()
                        .map(c -> c.endsWith("/pebble") || c.equals("pebble"))
                        .orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1);
    }

    /**
     * The first "order for [sensor-...]: created" debug line of the runtime's log (slf4j-simple, times as
     * HH:mm:ss.SSS local time).
     */
    static Optional<Instant> firstSensorOrder(Path log, Instant notBefore) {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("order for [sensor-") && l.contains("created"))
                    .map(BenchCommand::timeOf)
                    .flatMap(Optional::stream)
                    .filter(t -> !t.isBefore(notBefore.minusSeconds(1)))
                    .findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> timeOf(String line) {
        int sp = line.indexOf(' ');
        if (sp < 0) {
            return Optional.empty();
        }
        try {
            LocalTime t = LocalTime.parse(line.substring(0, sp));
            return Optional.of(
                    LocalDate.now().atTime(t).atZone(ZoneId.systemDefault()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** CPU seconds (user + system) of a process and its finished, waited-for children, from /proc. */
    static final class Cpu {
        private static final double TICKS = ticksPerSecond();

        private Cpu() {}

        static double seconds(long pid) {
            if (pid <= 0) {
                return Double.NaN;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                // after "pid (comm) ": f[0] is field 3 (state); utime is field 14, stime field 15
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                return ticks / TICKS;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        /** VmHWM (peak resident set) of a process, as /proc reports it. */
        static String peakRss(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
                    if (line.startsWith("VmHWM:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        return String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // fall through
            }
            return "n/a";
        }

        /** CPU seconds of the child processes this JVM has waited for (cutime + cstime). */
        static double childrenOfThisJvm() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                // cutime is field 16, cstime field 17
                return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        private static double ticksPerSecond() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK")
                        .redirectErrorStream(true)
                        .start();
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                    String line = r.readLine();
                    p.waitFor();
                    return Double.parseDouble(line.trim());
                }
            } catch (IOException | RuntimeException e) {
                return 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 100;
            }
        }
    }
}
