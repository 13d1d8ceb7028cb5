package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The chart next to a {@code bench-all} table, drawn by gnuplot (Debian package {@code gnuplot-nox}): P1's
 * certificates per second for Keywarden, lego and certbot on the same Pebble, and the CPU each spent per certificate
 * beside Pebble's own.
 */
final class ResultsChart {
    static final String GNUPLOT = "/usr/bin/gnuplot";

    private ResultsChart() {}

    static boolean available() {
        return Files.isExecutable(Path.of(GNUPLOT));
    }

    static String missingReason() {
        return available() ? "no P1 figures to draw" : "not drawn: gnuplot is missing (apt-get install gnuplot-nox)";
    }

    /** Draws {@code png} from the figures (data in {@code dat}); its file name, or null when nothing was drawn. */
    static String draw(Figures f, Path png, Path dat) throws IOException {
        List<String> rows = new ArrayList<>();
        add(rows, "Keywarden\\nalways-valid", f.get("p1.valid.rate"), f.get("p1.valid.cpu_ms"));
        add(rows, "lego 16\\nalways-valid", f.get("p1.valid.lego.rate"), f.get("p1.valid.lego.cpu_ms"));
        add(rows, "Keywarden\\nhttp-01", f.get("p1.http.rate"), f.get("p1.http.cpu_ms"));
        add(rows, "lego 16\\nhttp-01", f.get("p1.http.lego.rate"), f.get("p1.http.lego.cpu_ms"));
        add(rows, "certbot\\nhttp-01", f.get("p1.http.certbot.rate"), f.get("p1.http.certbot.cpu_ms"));
        add(rows, "Pebble\\n(always-valid)", Double.NaN, f.get("p1.valid.pebble_cpu_ms"));
        add(rows, "Pebble\\n(http-01)", Double.NaN, f.get("p1.http.pebble_cpu_ms"));
        if (!available() || rows.isEmpty()) {
            return null;
        }
        Files.writeString(dat, String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
        String script = String.join(
                "\n",
                "set terminal pngcairo size 1200,520 font 'sans,10'",
                "set output '" + png.getFileName() + "'",
                "set multiplot layout 1,2 title 'Keywarden bench-all P1: 200 certificates, one Pebble, one run'",
                "set style data histograms",
                "set style fill solid 0.8 border -1",
                "set boxwidth 0.7",
                "set grid ytics",
                "set bmargin 5",
                "set xtics font 'sans,8'",
                "unset key",
                "set title 'certificates per second (higher is better; dashed: the goal)'",
                "set yrange [0:110]",
                "set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead dt 2 lc rgb 'red'",
                "set label 1 'goal: 100/s' at graph 0.02, first 104 tc rgb 'red'",
                "plot '" + dat.getFileName() + "' using 2:xtic(1) lc rgb '#3465a4'",
                "unset arrow 1",
                "unset label 1",
                "set title 'CPU per certificate, ms, log scale (lower is better)'",
                "set logscale y",
                "set yrange [1:*]",
                "plot '" + dat.getFileName() + "' using 3:xtic(1) lc rgb '#cc6600'",
                "unset multiplot",
                "");
        Path gp = dat.resolveSibling(dat.getFileName().toString().replace(".dat", ".gp"));
        Files.writeString(gp, script, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(GNUPLOT, gp.getFileName().toString())
                .directory(gp.toAbsolutePath().getParent().toFile()) // the script names its files relatively
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(png)) {
                throw new DemoException("gnuplot failed on " + gp + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
        return png.getFileName().toString();
    }

    /** One bar group; a value not measured is gnuplot's missing value ("?"), drawn as no bar. */
    private static void add(List<String> rows, String label, double rate, double cpuMs) {
        if (Double.isNaN(rate) && Double.isNaN(cpuMs)) {
            return;
        }
        rows.add(String.format(Locale.ROOT, "\"%s\" %s %s", label, num(rate), num(cpuMs)));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.2f", v);
    }
}
