package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench-all}'s results: {@code <date>-<commit>.md} (the table of {@link ResultsTable} and the machine) and
 * {@code <date>-<commit>.png} (the chart of {@link ResultsChart}, drawn by gnuplot) in the results directory.
 */
final class ResultsReport {
    private final Figures figures;
    private final Machine machine;
    private final Duration wall;
    private final Set<String> parts;
    private String chartProblem;

    ResultsReport(Figures figures, Machine machine, Duration wall, Set<String> parts) {
        this.figures = figures;
        this.machine = machine;
        this.wall = wall;
        this.parts = parts;
    }

    /** Writes the table and the chart; returns the table's path. */
    Path write(Path dir) {
        String base = LocalDate.now(ZoneOffset.UTC) + "-" + machine.commit();
        Path md = dir.resolve(base + ".md");
        Path png = dir.resolve(base + ".png");
        try {
            Files.createDirectories(dir);
            String chart;
            try {
                chart = ResultsChart.draw(figures, png, dir.resolve(base + ".dat"));
            } catch (DemoException e) { // the table is the result; a chart that failed says why in its place
                chart = null;
                chartProblem = e.getMessage();
            }
            StringBuilder s = new StringBuilder();
            s.append("# Benchmarks: ").append(base).append("\n\n");
            s.append(String.format(
                    Locale.ROOT,
                    "`./keywarden bench-all%s`, %.0f s in all. Every figure below comes from this one run; ratios are"
                            + " between figures of the same run. Goals: issue 12 (docs/benchmarks.md).%n%n",
                    parts.size() == BenchAll.PARTS.size() ? "" : " --only " + String.join(",", parts),
                    wall.toNanos() / 1e9));
            s.append(machine.markdown()).append('\n');
            s.append(new ResultsTable(figures, parts).markdown());
            s.append('\n');
            s.append(
                    chart == null
                            ? "Chart: " + (chartProblem != null ? chartProblem : ResultsChart.missingReason()) + "\n"
                            : "![chart](" + chart + ")\n");
            Files.writeString(md, s.toString(), StandardCharsets.UTF_8);
            return md;
        } catch (IOException e) {
            throw new DemoException("cannot write the results to " + dir + ": " + e);
        }
    }

    /** The machine the run was measured on: cores, CPU, Java, load before and after, the commit. */
    record Machine(String commit, int cores, String cpu, String java, String loadBefore, String loadAfter) {
        static Machine now(Path home) {
            return new Machine(
                    commit(home),
                    Runtime.getRuntime().availableProcessors(),
                    cpuModel(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    load(),
                    "");
        }

        Machine finish() {
            return new Machine(commit, cores, cpu, java, loadBefore, load());
        }

        String markdown() {
            return String.format(
                    Locale.ROOT,
                    "| machine | |%n|---|---|%n| cores | %d |%n| CPU | %s |%n| Java | %s (runtime JVM flags: `%s`) |%n"
                            + "| load average (1, 5, 15 min) | %s before, %s after |%n| commit | `%s` |%n",
                    cores,
                    cpu,
                    java,
                    System.getProperty("keywarden.runtime.jvmArgs", RuntimeProcess.DEFAULT_JVM_ARGS),
                    loadBefore,
                    loadAfter,
                    commit);
        }

        private static String commit(Path home) {
            try {
                Process p = new ProcessBuilder("git", "-C", home.toString(), "describe", "--always", "--dirty")
                        .redirectErrorStream(true)
                        .start();
                String c = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.waitFor() == 0 && !c.isEmpty() ? c : "unknown";
            } catch (IOException e) {
                return "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        private static String cpuModel() {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
                return lines.stream()
                        .filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst()
                        .orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String load() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                        .trim()
                        .split("\\s+");
                return f[0] + " " + f[1] + " " + f[2];
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }
    }
}
