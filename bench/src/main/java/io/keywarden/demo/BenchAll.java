package io.keywarden.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench-all [--only P1,P3] [--results DIR]}: P1-P7 of docs/benchmarks.md in one run, each part against its
 * own local Pebble (and Mosquitto for P3), then the results table and chart ({@link ResultsReport}). A part that
 * fails is reported as failed with its reason, and the run goes on with the next part: a missing figure is shown as
 * missing, never as a number.
 */
final class BenchAll {
    static final List<String> PARTS = List.of("P1", "P2", "P3", "P4", "P5", "P6", "P7");
    /** P3: COMPROMISED_GATEWAY of a gateway with this many sensors (issue 12's figure). */
    private static final int P3_SENSORS = 1000;
    /** P3's bounded wait: the whole two-runtime run, enrollment included (1,000 sensors over EST took up to 151 s on a loaded machine). */
    private static final Duration P3_BOUND = Duration.ofSeconds(300);
    /** P3 again with this many sensors when 1,000 fail. */
    private static final int P3_FALLBACK = 200;
    /**
     * P7: bench-fleet's 1,000 gateways with this many sensors each by default. The 100 take about half an
     * hour per database on 2 shared cores (docs/benchmarks.md has that run); {@code --p7-sensors 100} runs it.
     */
    private static final int P7_SENSORS = 10;

    private static final Pattern FLEET_REVOKED = Pattern.compile("all Revoked at Pebble[^\\n]*?(\\d+) ms");
    private static final Pattern FLEET_DENIED = Pattern.compile("all denied at the gateway[^\\n]*?(\\d+) ms");
    private static final Pattern FLEET_DENIED_OTHER =
            Pattern.compile("all denied at the other gateway[^\\n]*?(-?\\d+) ms");
    private static final Pattern FLEET_PEBBLE_CPU = Pattern.compile("Pebble's CPU from the request[^\\n]*?(\\d+) ms");

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures = new Figures();
    /** P3's values of the authority's ca.parallel; empty: one run at its default. */
    private List<Integer> p3Parallel = List.of();
    /** P3's authority databases ({@code h2}, {@code postgresql}); empty: the demo's default (H2) only. */
    private List<String> p3Databases = List.of();
    /** P3's numbers of authority instances; two or more only on PostgreSQL. */
    private List<Integer> p3Authorities = List.of();
    /** Each P3 setup this many times, the setups taking turns. */
    private int p3Repeat = 1;

    private int p7Sensors = P7_SENSORS;

    BenchAll(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    int run(List<String> args) {
        Set<String> only = new LinkedHashSet<>(PARTS);
        Path results = layout.home.resolve("bench/results");
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--only" -> only = parts(Args.value(args, ++i));
                case "--results" -> results = Path.of(Args.value(args, ++i)).toAbsolutePath();
                case "--p3-parallel" -> p3Parallel = parallelList(Args.value(args, ++i));
                case "--p3-db" -> p3Databases = P3Setups.databases(Args.value(args, ++i));
                case "--p3-authorities" -> p3Authorities = P3Setups.authorities(Args.value(args, ++i));
                case "--p3-repeat" -> p3Repeat = Args.intValue(args, ++i, 1, 9);
                case "--p7-sensors" -> p7Sensors = Args.intValue(args, ++i, 0, 1000);
                default ->
                    throw new DemoException("bench-all: unknown argument " + args.get(i) + "\n" + Bench.USAGE, 2);
            }
        }
        ResultsReport.Machine machine = ResultsReport.Machine.now(layout.home);
        Instant t0 = Instant.now();
        for (String part : only) {
            out.printf(Locale.ROOT, "%n==== %s (%.0f s into the run) ====%n", part, seconds(t0));
            Instant p0 = Instant.now();
            try {
                runPart(part);
            } catch (RuntimeException e) { // DemoException or a bug: the part failed, the others still run
                String why = firstLine(e.getMessage() == null ? e.toString() : e.getMessage());
                figures.note(part.toLowerCase(Locale.ROOT) + ".failed", why);
                out.println("  " + part + " FAILED: " + why);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted");
            }
            figures.put(part.toLowerCase(Locale.ROOT) + ".wall_s", seconds(p0));
        }
        Duration wall = Duration.between(t0, Instant.now());
        Path md = new ResultsReport(figures, machine.finish(), wall, only).write(results);
        out.printf(Locale.ROOT, "%nbench-all: %.0f s; table %s, chart next to it%n", wall.toNanos() / 1e9, md);
        return 0;
    }

    private void runPart(String part) throws InterruptedException {
        switch (part) {
            case "P1" -> {
                new BenchCommand(layout, out, figures.scope("p1.valid"))
                        .run(List.of("200", "--always-valid", "--lego", "16"));
                new BenchCommand(layout, out, figures.scope("p1.http"))
                        .run(List.of("200", "--lego", "16", "--certbot", "5"));
            }
            case "P2" -> new BenchContainCommand(layout, out, figures.scope("p2")).run(List.of("50"));
            case "P3" -> {
                if (!p3Databases.isEmpty() || !p3Authorities.isEmpty() || p3Repeat > 1) {
                    for (P3Setups.Run run : P3Setups.runs(p3Databases, p3Authorities, p3Parallel, p3Repeat)) {
                        Figures into = figures.scope(run.key());
                        out.println("  P3 " + run.describe());
                        into.put("load1_before", P3Setups.loadAverage());
                        try {
                            fleet(P3_SENSORS, into, run.caParallel(), run.demoArgs());
                        } catch (RuntimeException e) {
                            into.note("failed", firstLine(e.getMessage() == null ? e.toString() : e.getMessage()));
                        } finally {
                            into.put("load1_after", P3Setups.loadAverage());
                            P3Setups.keepLogs(layout, run.key());
                        }
                    }
                } else if (p3Parallel.isEmpty()) {
                    fleet();
                } else {
                    for (int n : p3Parallel) {
                        Figures into = figures.scope("p3.w" + n);
                        try {
                            fleet(P3_SENSORS, into, n, List.of());
                        } catch (RuntimeException e) {
                            into.note("failed", firstLine(e.getMessage() == null ? e.toString() : e.getMessage()));
                        }
                    }
                }
            }
            case "P4" -> new FootprintBench(layout, out, figures.scope("p4")).run(1000, 5000, 30);
            case "P5" ->
                new BenchChannelCommand(layout, out, figures.scope("p5"))
                        .run(List.of("1000", "--seconds", "20", "--kept-alive-only", "--jetty-floor"));
            case "P6" -> new BenchEstCommand(layout, out, figures.scope("p6")).run(List.of("200"));
            case "P7" ->
                new BenchFleetCommand(layout, out, figures.scope("p7"))
                        .run(List.of("1000", "--sensors", Integer.toString(p7Sensors)));
            default -> throw new DemoException("unknown part " + part, 2);
        }
    }

    /**
     * P3 through the demo's {@code demo-fleet N}, in a thread with a bounded wait (issue 14: the authority may run
     * out of heap with 1,000 sensors). Its figures are read from what it prints. When 1,000 fails, the reason is
     * kept and {@link #P3_FALLBACK} sensors are tried, so the row says what happens and what works.
     */
    private void fleet() throws InterruptedException {
        Figures full = figures.scope("p3");
        try {
            fleet(P3_SENSORS, full, 0, List.of());
        } catch (RuntimeException e) {
            String why = firstLine(e.getMessage() == null ? e.toString() : e.getMessage());
            full.note("failed", "demo-fleet " + P3_SENSORS + ": " + why);
            out.println("  P3 with " + P3_SENSORS + " sensors FAILED: " + why + "; now with " + P3_FALLBACK);
            Figures smaller = figures.scope("p3.fallback");
            try {
                fleet(P3_FALLBACK, smaller, 0, List.of());
            } catch (RuntimeException e2) {
                smaller.note("failed", firstLine(e2.getMessage() == null ? e2.toString() : e2.getMessage()));
                out.println("  P3 with " + P3_FALLBACK + " sensors FAILED too: " + smaller.noteOf("failed"));
            }
        }
    }

    /**
     * One demo-fleet run; {@code caParallel} 0 leaves the authority's ca.parallel at its default; {@code more}: further
     * demo-fleet arguments (the authority's database and instances).
     */
    private void fleet(int sensors, Figures into, int caParallel, List<String> more) throws InterruptedException {
        List<String> demoArgs = new java.util.ArrayList<>(List.of(Integer.toString(sensors)));
        if (caParallel > 0) {
            demoArgs.addAll(List.of("--ca-parallel", Integer.toString(caParallel)));
        }
        demoArgs.addAll(more);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8);
        RuntimeException[] failure = new RuntimeException[1];
        Thread t = new Thread(
                () -> {
                    try {
                        new DemoFleetCommand(layout, tee).run(demoArgs);
                    } catch (RuntimeException e) {
                        failure[0] = e;
                    }
                },
                "bench-all-P3");
        t.start();
        t.join(P3_BOUND.toMillis());
        into.put("sensors", sensors);
        if (t.isAlive()) {
            t.interrupt(); // the stage's waits end on interrupt and close both runtimes, Pebble and Mosquitto
            t.join(60_000);
            throw new DemoException("COMPROMISED_GATEWAY with " + sensors + " sensors did not finish within "
                    + P3_BOUND.toSeconds() + " s (bounded wait)");
        }
        // the times are kept even when a later check of the demo failed (the cloud broker's refusal): both are shown
        String text = captured.toString(StandardCharsets.UTF_8);
        Matcher revoked = FLEET_REVOKED.matcher(text);
        Matcher denied = FLEET_DENIED.matcher(text);
        if (revoked.find()) {
            into.put("revoked_ms", Double.parseDouble(revoked.group(1)));
        }
        if (denied.find()) {
            into.put("denied_ms", Double.parseDouble(denied.group(1)));
        }
        Matcher deniedOther = FLEET_DENIED_OTHER.matcher(text);
        if (deniedOther.find() && !deniedOther.group(1).startsWith("-")) {
            into.put("denied_other_ms", Double.parseDouble(deniedOther.group(1)));
        }
        Matcher pebbleCpu = FLEET_PEBBLE_CPU.matcher(text);
        if (pebbleCpu.find()) {
            into.put("pebble_cpu_ms", Double.parseDouble(pebbleCpu.group(1)));
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        if (!into.has("revoked_ms")) {
            throw new DemoException("demo-fleet printed no 'all Revoked at Pebble' time");
        }
    }

    private static List<Integer> parallelList(String list) {
        List<Integer> out = new java.util.ArrayList<>();
        for (String p : list.split(",")) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n < 1 || n > 64) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new DemoException("bench-all: --p3-parallel takes numbers 1-64, not " + p, 2);
            }
        }
        return out;
    }

    private static Set<String> parts(String list) {
        Set<String> parts = new LinkedHashSet<>();
        for (String p : list.toUpperCase(Locale.ROOT).split(",")) {
            if (!PARTS.contains(p.trim())) {
                throw new DemoException("bench-all: --only takes " + String.join(",", PARTS) + ", not " + p, 2);
            }
            parts.add(p.trim());
        }
        return parts;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toNanos() / 1e9;
    }

    /** Writes to the console and keeps a copy for the figures P3 prints. */
    private static final class Tee extends OutputStream {
        private final PrintStream console;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int c) {
            console.write(c);
            copy.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            console.write(buf, off, len);
            copy.write(buf, off, len);
        }
    }
}
