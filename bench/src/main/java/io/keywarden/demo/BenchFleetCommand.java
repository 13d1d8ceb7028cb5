package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.keywarden.demo.fleet.FleetRun;
import io.keywarden.demo.fleet.SimulatedFleet;
import io.keywarden.testing.mqtt.MosquittoBroker;
import io.keywarden.testing.postgres.PostgresServer;

/**
 * {@code bench-fleet [G] [--sensors S] [--db h2|postgresql|both] [--window W]}: G simulated gateways (default 1,000)
 * with S sensors each (default 100) report their signed issuance logs through one local Mosquitto to one fleet
 * authority, a real runtime process on the gateway JVM flags, keeping the logs in H2 and then in PostgreSQL. Reports
 * the ingest rate (entries acknowledged per second, from the first publish to the last acknowledgement), the
 * authority's heap after a full GC, the database's size and that every entry was stored. A benchmark, not a test.
 */
final class BenchFleetCommand {
    static final String FLEET = "bench-fleet";
    static final String AUTHORITY_ID = "fleet-authority";
    /** The longest a run may take: 100,000 entries at tens per second on a loaded machine, with room. */
    private static final Duration BOUND = Duration.ofMinutes(150);
    /**
     * A simulated gateway's patience before it sends unacknowledged entries again: longer than the authority's
     * backlog of a full window, so a resend measures a loss, not a queue.
     */
    private static final Duration RESEND_AFTER = Duration.ofMinutes(10);

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures;

    BenchFleetCommand(Layout layout, PrintStream out) {
        this(layout, out, new Figures());
    }

    BenchFleetCommand(Layout layout, PrintStream out, Figures figures) {
        this.layout = layout;
        this.out = out;
        this.figures = figures;
    }

    int run(List<String> args) throws InterruptedException {
        int gateways = 1000;
        int sensors = 100;
        int window = 100;
        List<String> dbs = List.of("h2", "postgresql");
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.matches("\\d+")) {
                gateways = Args.intValue(args, i, 1, 100_000);
            } else if (a.equals("--sensors")) {
                sensors = Args.intValue(args, ++i, 0, 10_000);
            } else if (a.equals("--window")) {
                window = Args.intValue(args, ++i, 1, 10_000);
            } else if (a.equals("--db")) {
                String v = Args.value(args, ++i);
                dbs = v.equals("both") ? List.of("h2", "postgresql") : List.of(v);
                if (!List.of("h2", "postgresql").containsAll(dbs)) {
                    throw new DemoException("bench-fleet: --db takes h2, postgresql or both, not " + v, 2);
                }
            } else {
                throw new DemoException("bench-fleet: unknown argument " + a + "\n" + Bench.USAGE, 2);
            }
        }
        Path runtimeJar = layout.requireRuntimeJar();
        out.printf(
                Locale.ROOT,
                "Keywarden bench-fleet: %d simulated gateways x %d sensors = %d signed issuance log entries to one "
                        + "authority (%s), at most %d gateways reporting at once%n",
                gateways,
                sensors,
                (long) gateways * (sensors + 1),
                String.join(", ", dbs),
                window);
        long t0 = System.nanoTime();
        SimulatedFleet fleet = SimulatedFleet.build(gateways, sensors, 2);
        out.printf(
                Locale.ROOT,
                "  simulated fleet built in %.1f s: %d entries, %.1f MiB of signed messages%n",
                (System.nanoTime() - t0) / 1e9,
                fleet.entries(),
                fleet.bytes() / 1048576.0);
        figures.put("gateways", gateways);
        figures.put("sensors", sensors);
        figures.put("entries", fleet.entries());
        for (String db : dbs) {
            Figures f = figures.scope(db);
            try {
                once(runtimeJar, fleet, db, window, f);
            } catch (RuntimeException e) {
                f.note("failed", e.getMessage() == null ? e.toString() : e.getMessage());
                out.println("  " + db + " FAILED: " + f.noteOf("failed"));
            }
        }
        return 0;
    }

    private void once(Path runtimeJar, SimulatedFleet fleet, String db, int window, Figures f)
            throws InterruptedException {
        Path work = layout.demoDir().resolve("bench-fleet-" + db);
        Layout.wipe(work);
        KeyPair key;
        try {
            key = FleetStage.ecKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        PostgresServer postgres = null;
        try (MosquittoBroker broker = MosquittoBroker.start(work.resolve("mqtt"))) {
            String url;
            Map<String, String> store = new LinkedHashMap<>();
            if (db.equals("postgresql")) {
                postgres = PostgresServer.start();
                url = postgres.createDatabase("fleet");
                store.put("store.url", url);
                store.put("store.user", PostgresServer.USER);
                store.put("store.password", postgres.password());
            } else {
                // AUTO_SERVER: this process may count the entries while the runtime holds the file
                url = "jdbc:h2:file:" + work.resolve("authority/fleet/fleet").toAbsolutePath()
                        + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
                store.put("store.url", url);
            }
            Path etc = configure(work, broker, fleet, key, store);
            RuntimeProcess rt =
                    RuntimeProcess.startBackground(runtimeJar, etc, work, work.resolve("runtime.log"), List.of());
            try {
                awaitAuthority(rt, work.resolve("runtime.log"));
                out.printf(Locale.ROOT, "  %s: authority pid %d, log %s%n", db, rt.pid(), work.resolve("runtime.log"));
                FleetRun.Result r = new FleetRun(
                                broker.url(), FLEET, key.getPublic(), AUTHORITY_ID, window, RESEND_AFTER)
                        .run(fleet, BOUND);
                double heap = FootprintBench.heapAfterGc(rt.pid());
                FleetDatabase.Size size = FleetDatabase.measure(url, store, work);
                report(db, fleet, r, heap, size, f);
            } finally {
                rt.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private void report(
            String db, SimulatedFleet fleet, FleetRun.Result r, double heap, FleetDatabase.Size size, Figures f) {
        f.put("rate", r.entriesPerSecond());
        f.put("seconds", r.elapsed().toNanos() / 1e9);
        f.put("heap_mib", heap);
        f.put("db_mib", size.bytes() / 1048576.0);
        f.put("stored", size.entries());
        f.put("resends", r.resends());
        out.printf(
                Locale.ROOT,
                "  %s: %d entries acknowledged in %.1f s = %.0f entries/s (%d messages, %d resends); "
                        + "authority heap after a full GC %.1f MiB; database %.1f MiB, %d entries stored%n",
                db,
                r.entries(),
                r.elapsed().toNanos() / 1e9,
                r.entriesPerSecond(),
                r.messages(),
                r.resends(),
                heap,
                size.bytes() / 1048576.0,
                size.entries());
        if (size.entries() != fleet.entries()) {
            throw new DemoException(db + ": " + size.entries() + " entries stored, " + fleet.entries() + " sent");
        }
    }

    /** The authority: the fleet component alone, collecting logs, signing its acknowledgements. */
    private static Path configure(
            Path work, MosquittoBroker broker, SimulatedFleet fleet, KeyPair key, Map<String, String> store) {
        Path etc = work.resolve("etc");
        Path keys = work.resolve("keys");
        try {
            Files.createDirectories(keys);
            Path roots = Files.writeString(keys.resolve("ca-roots.pem"), fleet.rootPem());
            Path signing = keys.resolve("authority-private.pem");
            Files.createFile(
                    signing, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    signing,
                    RevocationStage.pem("PRIVATE KEY", key.getPrivate().getEncoded()),
                    StandardCharsets.US_ASCII);
            Map<String, String> f = new LinkedHashMap<>();
            f.put("mqtt.broker.url", broker.url());
            f.put("mqtt.client.id", "bench-fleet-authority");
            f.put("fleet.id", FLEET);
            f.put("authority.id", AUTHORITY_ID);
            f.put("notices.apply", "false");
            f.put("notices.publish", "true");
            f.put("authority.signing.key.file", signing.toAbsolutePath().toString());
            f.put("inventory.collect", "true");
            f.put("inventory.ca.roots", roots.toAbsolutePath().toString());
            f.put("data.dir", work.resolve("authority/fleet").toAbsolutePath().toString());
            f.putAll(store);
            ConfigFiles.write(etc.resolve(FleetStage.FLEET_PID + ".cfg"), f, "Keywarden fleet (bench-fleet authority)");
        } catch (IOException e) {
            throw new DemoException("cannot write the authority's configuration: " + e);
        }
        return etc;
    }

    /** Until the authority serves its logs and is connected (its subscriptions follow the connection at once). */
    private static void awaitAuthority(RuntimeProcess rt, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> wanted = new ArrayList<>(List.of("Serving the issuance logs of", "Connected to"));
        while (true) {
            String text;
            try {
                text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                text = "";
            }
            wanted.removeIf(text::contains);
            if (wanted.isEmpty()) {
                Thread.sleep(1000);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DemoException(
                        "the authority did not start collecting within 60 s:\n" + RuntimeProcess.tail(log, 30));
            }
            Thread.sleep(100);
        }
    }
}
