package io.keywarden.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * P3's setups of the fleet authority (issue 14: "with one and with two authority instances"): the database (H2, the
 * default, or one PostgreSQL) and the number of instances (two or more share one PostgreSQL), each run
 * {@code --p3-repeat} times, the setups taking turns so that the machine's load falls on all of them alike.
 */
final class P3Setups {
    /** One P3 run: its figures' scope ({@code p3.<db>.a<N>[.w<P>].r<k>}) and its demo-fleet arguments. */
    record Run(String database, int authorities, int caParallel, int repeat) {
        String key() {
            return "p3." + (database.equals("postgresql") ? "pg" : "h2") + ".a" + authorities
                    + (caParallel > 0 ? ".w" + caParallel : "") + ".r" + repeat;
        }

        List<String> demoArgs() {
            return List.of("--db", database, "--authorities", Integer.toString(authorities));
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s, %d authority instance%s%s, run %d",
                    database.equals("postgresql") ? "PostgreSQL" : "H2",
                    authorities,
                    authorities == 1 ? "" : "s",
                    caParallel > 0 ? ", ca.parallel " + caParallel + " per instance" : "",
                    repeat);
        }
    }

    private P3Setups() {}

    /**
     * Every combination of database and instance count but several instances on H2, for each ca.parallel, in
     * {@code repeat} rounds. Without databases: both; without counts: one instance.
     */
    static List<Run> runs(List<String> databases, List<Integer> authorities, List<Integer> parallel, int repeat) {
        List<Integer> counts = authorities.isEmpty() ? List.of(1) : authorities;
        List<Integer> widths = parallel.isEmpty() ? List.of(0) : parallel;
        List<Run> out = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            for (String db : databases.isEmpty() ? List.of("h2", "postgresql") : databases) {
                for (int n : counts) {
                    if (n > 1 && db.equals("h2")) {
                        continue; // an embedded H2 is one process's: several instances share a PostgreSQL
                    }
                    for (int w : widths) {
                        out.add(new Run(db, n, w, r));
                    }
                }
            }
        }
        return out;
    }

    static List<String> databases(String list) {
        List<String> out = new ArrayList<>();
        for (String d : list.toLowerCase(Locale.ROOT).split(",")) {
            String db = d.trim().equals("pg") ? "postgresql" : d.trim();
            if (!db.equals("h2") && !db.equals("postgresql")) {
                throw new DemoException("bench-all: --p3-db takes h2,postgresql, not " + d, 2);
            }
            out.add(db);
        }
        return out;
    }

    static List<Integer> authorities(String list) {
        List<Integer> out = new ArrayList<>();
        for (String a : list.split(",")) {
            try {
                int n = Integer.parseInt(a.trim());
                if (n < 1 || n > 4) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new DemoException("bench-all: --p3-authorities takes numbers 1-4, not " + a, 2);
            }
        }
        return out;
    }

    /** The one-minute load average ({@code /proc/loadavg}), NaN where there is none. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Keeps the run's runtime logs (the demo wipes its directory at the next run) under
     * {@code bench/target/p3-logs/<key>/}: what the figures alone cannot explain is in them.
     */
    static void keepLogs(Layout layout, String key) {
        Path demo = layout.demoDir();
        Path to = layout.home.resolve("bench/target/p3-logs").resolve(key);
        try (var dirs = Files.list(demo)) {
            for (Path d : dirs.toList()) {
                Path log = d.resolve("runtime.log");
                if (Files.isRegularFile(log)) {
                    Files.createDirectories(to);
                    Files.copy(log, to.resolve(d.getFileName() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            // the figures stand without the logs
        }
    }
}
