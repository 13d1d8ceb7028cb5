package io.keywarden.demo;

import java.util.Locale;

/**
 * The Markdown table of one {@code bench-all} run: per figure, Keywarden's value, its peer (lego, certbot, Pebble,
 * the direct API), the ratio, the goal of issue 12 and whether it is met. A figure that was not measured shows as a
 * dash with the reason; a goal without its figure is "not measured", never met.
 */
final class ResultsTable {
    private static final String NOT = "–";
    private final Figures f;
    private final java.util.Set<String> parts;
    private final StringBuilder s = new StringBuilder();

    ResultsTable(Figures figures, java.util.Set<String> parts) {
        this.f = figures;
        this.parts = parts;
    }

    String markdown() {
        s.append("| id | figure | Keywarden | peer | ratio | goal | met |\n|---|---|---|---|---|---|---|\n");
        run("P1", this::p1);
        run("P2", this::p2);
        run("P3", this::p3);
        run("P4", this::p4);
        run("P5", this::p5);
        run("P6", this::p6);
        run("P7", this::p7);
        return s.toString();
    }

    private void run(String part, Runnable rows) {
        if (parts.contains(part)) {
            rows.run();
        }
    }

    private void p1() {
        if (!failed("p1", "200 sensor certificates", "≥ 100 certificates/s always-valid; ≥ 3x lego")) {
            for (String mode : new String[] {"valid", "http"}) {
                String p = "p1." + mode + ".";
                String label = mode.equals("valid") ? "always-valid" : "real http-01";
                double ours = f.get(p + "rate");
                double lego = f.get(p + "lego.rate");
                String peer = rate(lego) + " (lego, 16 processes)";
                if (f.has(p + "certbot.rate")) {
                    peer += "; " + rate(f.get(p + "certbot.rate")) + " (certbot, one at a time, "
                            + n(f.get(p + "certbot.certificates")) + " certificates)";
                }
                boolean goalRate = mode.equals("valid");
                row(
                        "P1",
                        "200 certificates through one gateway, " + label,
                        rate(ours),
                        peer,
                        ratio(ours / lego),
                        goalRate ? "≥ 100/s; ≥ 3x lego" : "≥ 3x lego",
                        met(goalRate ? ours >= 100 && ours / lego >= 3 : ours / lego >= 3, ours, lego));
                double cpu = f.get(p + "cpu_ms");
                double pebble = f.get(p + "pebble_cpu_ms");
                String cpuPeer = ms(pebble) + " (Pebble)";
                cpuPeer += "; " + ms(f.get(p + "lego.cpu_ms")) + " (lego)";
                if (f.has(p + "certbot.cpu_ms")) {
                    cpuPeer += "; " + ms(f.get(p + "certbot.cpu_ms")) + " (certbot)";
                }
                row(
                        "P1",
                        "client CPU per certificate, " + label,
                        ms(cpu),
                        cpuPeer,
                        ratio(cpu / pebble),
                        "≤ Pebble's",
                        met(cpu <= pebble, cpu, pebble));
            }
        }
    }

    private void p2() {
        if (!failed("p2", "malicious act → refused, → Revoked", "p99 ≤ 1 s")) {
            String n = n(f.get("p2.refused.n")) + " trials";
            for (String[] r : new String[][] {
                {"refused", "malicious act → next request refused at the gateway, p99"},
                {"revoked", "malicious act → Revoked at Pebble, p99"}
            }) {
                double v = f.get("p2." + r[0] + ".p99_ms");
                row("P2", r[1] + " (" + n + ")", ms(v), "", "", "≤ 1 s", met(v <= 1000, v));
            }
        }
    }

    private void p3() {
        if (f.has("p3.sensors") || !(f.has("p3.w8.sensors") || p3SetupsRan())) {
            fleetRow(
                    "p3.",
                    "COMPROMISED_GATEWAY, gateway with " + n(f.get("p3.sensors")) + " sensors → all Revoked at Pebble");
        }
        if (f.has("p3.fallback.sensors")) {
            fleetRow("p3.fallback.", "the same with " + n(f.get("p3.fallback.sensors")) + " sensors (1,000 failed)");
        }
        for (int w = 1; w <= 64; w++) {
            if (f.has("p3.w" + w + ".sensors")) {
                fleetRow(
                        "p3.w" + w + ".",
                        "the same, " + n(f.get("p3.w" + w + ".sensors")) + " sensors, ca.parallel " + w);
            }
        }
        p3Setups();
    }

    private boolean p3SetupsRan() {
        return f.has("p3.h2.a1.r1.sensors") || f.has("p3.pg.a1.r1.sensors") || f.has("p3.pg.a2.r1.sensors");
    }

    /** The runs of {@code --p3-db} / {@code --p3-authorities}: {@code p3.<db>.a<N>[.w<P>].r<k>}, in run order. */
    private void p3Setups() {
        for (int r = 1; r <= 9; r++) {
            for (String db : new String[] {"h2", "pg"}) {
                for (int a = 1; a <= 4; a++) {
                    for (int w = 0; w <= 64; w++) {
                        String p = "p3." + db + ".a" + a + (w > 0 ? ".w" + w : "") + ".r" + r + ".";
                        if (f.has(p + "sensors")) {
                            fleetRow(
                                    p,
                                    "the same, " + n(f.get(p + "sensors")) + " sensors, "
                                            + (db.equals("pg") ? "PostgreSQL" : "H2") + ", " + a
                                            + (a == 1 ? " authority instance" : " authority instances")
                                            + (w > 0 ? ", ca.parallel " + w + " each" : "") + ", run " + r);
                        }
                    }
                }
            }
        }
    }

    /** The revocation time when it was measured; a failure of the run (also after it) in the met column. */
    private void fleetRow(String p, String what) {
        double v = f.get(p + "revoked_ms");
        String why = f.noteOf(p + "failed");
        String denied = (f.has(p + "denied_ms") ? "all denied at the gateway " + ms(f.get(p + "denied_ms")) : "")
                + (f.has(p + "denied_other_ms") ? "; at another gateway " + ms(f.get(p + "denied_other_ms")) : "")
                + (f.has(p + "pebble_cpu_ms") ? "; Pebble's CPU " + ms(f.get(p + "pebble_cpu_ms")) : "")
                + (f.has(p + "load1_before")
                        ? String.format(
                                Locale.ROOT,
                                "; load average %.1f → %.1f",
                                f.get(p + "load1_before"),
                                f.get(p + "load1_after"))
                        : "");
        String met = met(v <= 10_000, v);
        if (why != null) {
            met = (met.equals("yes") ? "time yes; but " : "**no**: ") + why.replace('|', '/');
        }
        row("P3", what, ms(v), denied, "", "≤ 10 s", met);
    }

    private void p4() {
        if (failed("p4", "footprint", "≤ 32 MiB; ≤ 2 s; ≤ 1% of a core")) {
            return;
        }
        p4Heap();
        double start = f.get("p4.start_active_s");
        row(
                "P4",
                "start to all bundles ACTIVE, " + n(f.get("p4.start_active.sensors")) + " sensors",
                fmt("%.2f s", start),
                "",
                "",
                "≤ 2 s",
                met(start <= 2, start));
        double idle = f.get("p4.idle_cpu_pct");
        row(
                "P4",
                "idle CPU, " + n(f.get("p4.start_active.sensors")) + " sensors, nothing happening",
                fmt("%.2f%% of a core", idle),
                "",
                "",
                "≤ 1% of a core",
                met(idle <= 1, idle));
        row(
                "P4",
                "bundle jars (" + orDash(f.noteOf("p4.bundle_jars_bytes")) + ") / Kura .dp",
                kib(f.get("p4.bundle_jars_bytes")) + " / " + kib(f.get("p4.dp_bytes")),
                "",
                "",
                "",
                "");
    }

    /** The heap rows of P4: with 5,000 sensors (or where enrollment stalled) and per configured sensor. */
    private void p4Heap() {
        double heap = f.get("p4.heap_large_mib");
        String small = mib(f.get("p4.heap_small_mib")) + " with " + n(f.get("p4.start_active.sensors"));
        if (f.has("p4.stalled_at")) {
            row(
                    "P4",
                    "heap after a full GC, " + n(f.get("p4.wanted")) + " enrolled and monitored sensors",
                    "did not fit: enrollment stalled at " + n(f.get("p4.stalled_at")) + " sensors (heap full, "
                            + mib(heap) + " after a full GC)",
                    small,
                    "",
                    "≤ 32 MiB",
                    "**no**");
        } else {
            row(
                    "P4",
                    "heap after a full GC, " + n(f.get("p4.heap_large.sensors")) + " enrolled and monitored sensors",
                    mib(heap),
                    small,
                    "",
                    "≤ 32 MiB",
                    met(heap <= 32, heap));
        }
        double kb = f.get("p4.kb_per_sensor") * 1.024;
        row(
                "P4",
                "heap per configured sensor (between " + n(f.get("p4.start_active.sensors")) + " and "
                        + n(f.has("p4.wanted") ? f.get("p4.wanted") : f.get("p4.heap_large.sensors")) + ")",
                fmt("%.1f KB", kb),
                "",
                "",
                "≤ 4 KB",
                met(kb <= 4, kb));
    }

    private void p5() {
        if (failed("p5", "monitor, 1,000 sensors × 1 report/s, kept alive", "every sensor served, p99 ≤ 50 ms")) {
            return;
        }
        String k = "p5.kept_alive.";
        double served = f.get(k + "served");
        double sensors = f.get(k + "sensors");
        double bad = f.get(k + "refused_or_failed");
        row(
                "P5",
                "sensors served (1 report/s each, mutual TLS, kept alive)",
                n(served) + " of " + n(sensors),
                "",
                "",
                "every sensor, no refusal",
                met(served == sensors && bad == 0, served, bad));
        double p99 = f.get(k + "p99_ms");
        row(
                "P5",
                "report round trip p99 (p50 " + ms(f.get(k + "p50_ms")) + ")",
                ms(p99),
                "",
                "",
                "≤ 50 ms",
                met(p99 <= 50, p99));
        double cpu = f.get(k + "cpu_pct");
        if (f.has("p5.jetty_floor.cpu_pct")) {
            double floor = f.get("p5.jetty_floor.cpu_pct");
            row(
                    "P5",
                    "gateway CPU; peer: Jetty and TLS set up as the channel, a handler that only answers (floor)",
                    fmt("%.1f%% of a core", cpu),
                    fmt("%.1f%% of a core", floor),
                    fmt("%.2fx", cpu / floor),
                    "≤ 10% of a core",
                    met(cpu <= 10, cpu));
        } else {
            row("P5", "gateway CPU", fmt("%.1f%% of a core", cpu), "", "", "≤ 10% of a core", met(cpu <= 10, cpu));
        }
    }

    private void p6() {
        if (!failed("p6", "enrollment over EST vs direct", "≤ 15% overhead")) {
            double est = f.get("p6.est.rate");
            double direct = f.get("p6.direct.rate");
            double over = f.get("p6.est.overhead_pct");
            row(
                    "P6",
                    "enrollment over EST, " + n(f.get("p6.n")) + " sensors",
                    rate(est),
                    rate(direct) + " (direct API)",
                    fmt("%+.0f%% per certificate", over),
                    "≤ +15%",
                    met(over <= 15, over));
        }
    }

    /** bench-fleet: one row per database, the ingest rate with the authority's heap and the database size beside it. */
    private void p7() {
        String size = n(f.get("p7.gateways")) + " gateways × " + n(f.get("p7.sensors")) + " sensors";
        if (failed("p7", "fleet ingest: " + size, "report the rate, heap and database size")) {
            return;
        }
        for (String db : new String[] {"h2", "postgresql"}) {
            String p = "p7." + db + ".";
            String label = db.equals("h2") ? "H2" : "PostgreSQL";
            String why = f.noteOf(p + "failed");
            row(
                    "P7",
                    "fleet ingest: " + size + " (" + n(f.get("p7.entries")) + " signed entries), " + label,
                    why != null ? NOT : fmt("%.0f entries/s", f.get(p + "rate")),
                    why != null
                            ? ""
                            : "authority heap after GC " + mib(f.get(p + "heap_mib")) + "; database "
                                    + mib(f.get(p + "db_mib")) + ", " + n(f.get(p + "stored")) + " entries stored",
                    "",
                    "report the rate, heap and database size",
                    why != null ? "**no**: " + why.replace('|', '/') : "reported");
        }
    }

    /** A failed part is one row with its reason; true when it failed. */
    private boolean failed(String part, String what, String goal) {
        String why = f.noteOf(part + ".failed");
        if (why == null) {
            return false;
        }
        row(part.toUpperCase(Locale.ROOT), what, NOT, "", "", goal, "**no**: " + why.replace('|', '/'));
        return true;
    }

    private void row(String id, String what, String ours, String peer, String ratio, String goal, String met) {
        s.append("| ")
                .append(String.join(" | ", id, what, ours, peer, ratio, goal, met))
                .append(" |\n");
    }

    private static String met(boolean ok, double... needed) {
        for (double d : needed) {
            if (Double.isNaN(d)) {
                return "not measured";
            }
        }
        return ok ? "yes" : "**no**";
    }

    private static String fmt(String format, double v) {
        return Double.isNaN(v) ? NOT : String.format(Locale.ROOT, format, v);
    }

    private static String rate(double v) {
        return fmt("%.1f/s", v);
    }

    private static String ms(double v) {
        return fmt("%.1f ms", v);
    }

    private static String mib(double v) {
        return fmt("%.1f MiB", v);
    }

    private static String kib(double v) {
        return fmt("%,.0f KiB", v / 1024);
    }

    private static String n(double v) {
        return fmt("%,.0f", v);
    }

    private static String ratio(double v) {
        return fmt("%.2fx", v);
    }

    private static String orDash(String s) {
        return s == null ? NOT : s;
    }
}
