package io.keywarden.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.SensorFleet;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * {@code bench-contain [TRIALS] [--sensors N] [--configured]}: detection to containment, measured. A gateway with N
 * well-behaved sensors reporting in the background and TRIALS more sensors, each of which turns malicious once
 * (alternately unknown firmware and a forbidden peer), one after the other. Every sensor bootstraps over EST with its
 * IDevID and holds its own key ({@code --configured}: sensor configurations with CSRs instead, the certificates read
 * from the gateway's data directory). For each: the time from the start of the malicious
 * report to (a) the first refused answer to a request sent after it, (b) Revoked at Pebble (management API polled
 * every few milliseconds, which the figure includes).
 */
final class BenchContainCommand {
    private static final String GATEWAY = "gateway.bench.keywarden.test";
    private static final String DOMAIN = ".bench.keywarden.test";

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures;

    BenchContainCommand(Layout layout, PrintStream out) {
        this(layout, out, new Figures());
    }

    /** As the command line runs it; the figures also go to {@code figures} (for {@code bench-all}). */
    BenchContainCommand(Layout layout, PrintStream out, Figures figures) {
        this.layout = layout;
        this.out = out;
        this.figures = figures;
    }

    int run(List<String> args) {
        int trials = 50;
        int background = 10;
        boolean configured = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--sensors")) {
                background = Args.intValue(args, ++i, 1, 500);
            } else if (a.equals("--configured")) {
                configured = true;
            } else if (a.matches("\\d+")) {
                trials = Args.intValue(args, i, 1, 10_000);
            } else {
                throw new DemoException("bench-contain: unknown argument " + a + "\n" + Bench.USAGE, 2);
            }
        }
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.demoDir();
        try (LocalStage stage = LocalStage.start(work)) {
            return measure(stage, runtimeJar, work, trials, background, configured);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /** Times of one series of trials, in milliseconds from the start of each malicious report. */
    private record Timings(List<Double> answered, List<Double> refusal, List<Double> revoked) {
        Timings() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** What a sensor holds: its key and its certificate chain, leaf first. */
    private record Held(KeyPair key, List<X509Certificate> chain) {}

    private int measure(LocalStage stage, Path runtimeJar, Path work, int trials, int background, boolean configured)
            throws InterruptedException {
        out.printf(
                "Keywarden bench-contain: %d malicious acts among %d well-behaved sensors (%s)%n",
                trials, background, configured ? "sensor configurations" : "enrolled over EST with their IDevIDs");
        ContainmentStage contain = ContainmentStage.configure(stage, GATEWAY, 50);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= background + trials; i++) {
            ids.add((i <= background ? "good-" : "trial-") + i);
        }
        Map<String, Held> held = configured
                ? enrollConfigured(stage, contain, runtimeJar, work, ids)
                : enrollOverEst(stage, contain, runtimeJar, ids);
        out.printf("  enrolled %d sensors; channel https://127.0.0.1:%d%n", held.size(), contain.channelPort);

        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<SimulatedSensor> good = new ArrayList<>();
        List<SimulatedSensor> bad = new ArrayList<>();
        int t = 0;
        for (Map.Entry<String, Held> e : held.entrySet()) {
            boolean trial = e.getKey().startsWith("trial-");
            Profile p =
                    !trial ? Profile.WELL_BEHAVED : (t++ % 2 == 0 ? Profile.UNKNOWN_FIRMWARE : Profile.FORBIDDEN_PEER);
            (trial ? bad : good)
                    .add(contain.sensor(
                            e.getKey(), e.getValue().key(), e.getValue().chain(), p, roots));
        }
        Timings timings = new Timings();
        try (SensorFleet fleet = new SensorFleet(good, Duration.ofMillis(500))) {
            fleet.start();
            Thread.sleep(1000);
            for (SimulatedSensor s : bad) {
                trial(stage, s, timings);
            }
            checkBackground(stage, fleet, good);
        }
        out.println();
        print("malicious act -> its own answer (403)", timings.answered(), "answered");
        print("malicious act -> next request refused on the channel", timings.refusal(), "refused");
        print("malicious act -> Revoked at Pebble", timings.revoked(), "revoked");
        return 0;
    }

    /** Every sensor bootstraps over EST with its IDevID, as in the field. */
    private Map<String, Held> enrollOverEst(
            LocalStage stage, ContainmentStage contain, Path runtimeJar, List<String> ids) {
        EstBootstrap est = EstBootstrap.configure(stage, ids, GATEWAY, DOMAIN);
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
        RuntimeProcess runtime = stage.startRuntime(runtimeJar, List.of());
        Map<String, Held> held = new LinkedHashMap<>();
        est.awaitGateway(stage, runtime);
        contain.awaitReady(60_000);
        est.bootstrap(stage, runtime, out).forEach((id, s) -> held.put(id, new Held(s.key(), s.chain())));
        return held;
    }

    /**
     * {@code --configured}: one sensor configuration per sensor with a CSR of a key made here; the runtime orders
     * them and the certificates are read from the gateway's data directory.
     */
    private static Map<String, Held> enrollConfigured(
            LocalStage stage, ContainmentStage contain, Path runtimeJar, Path work, List<String> ids) {
        Map<String, Crypto.SensorKey> keys = new LinkedHashMap<>();
        int n = 0;
        for (String id : ids) {
            List<String> names = List.of(id + DOMAIN);
            Crypto.SensorKey key = Crypto.sensorKey(work.resolve("sensors").resolve(id), names);
            keys.put(id, key);
            ConfigFiles.writeSensor(stage.etc, Integer.toString(++n), new ConfigFiles.Sensor(id, names, key.csrFile()));
        }
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
        stage.startRuntime(runtimeJar, List.of());
        Set<String> expected = new LinkedHashSet<>(keys.keySet());
        expected.add(GATEWAY);
        Set<String> missing = stage.awaitCurrent(expected, 180_000, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException("not enrolled within 180 s: " + LocalStage.abbreviate(missing));
        }
        contain.awaitReady(60_000);
        Map<String, StateDir.Cert> certs = stage.state().current();
        Map<String, Held> held = new LinkedHashMap<>();
        keys.forEach((id, k) -> held.put(
                id, new Held(k.keyPair(), Crypto.readChain(certs.get(id).chainFile()))));
        return held;
    }

    /** One sensor turns malicious: when its own act was answered, when it was refused, when it was Revoked. */
    private static void trial(LocalStage stage, SimulatedSensor s, Timings timings) throws InterruptedException {
        if (!s.report().isSuccess()) {
            throw new DemoException(s.deviceId() + " was refused before acting");
        }
        SimulatedSensor.Containment c = s.actAndMeasure(0, 10_000);
        if (c.refusedNanos() < 0) {
            throw new DemoException(s.deviceId() + " was still served 10 s after acting");
        }
        long at = awaitRevoked(stage, s.serial(), c.actStartedNanos());
        timings.refusal().add(c.refusalMillis());
        timings.answered().add(c.actMillis());
        timings.revoked().add((at - c.actStartedNanos()) / 1e6);
        s.close();
    }

    /** The well-behaved sensors must have had no refusal and still be Valid. */
    private void checkBackground(LocalStage stage, SensorFleet fleet, List<SimulatedSensor> good) {
        List<String> problems = new ArrayList<>();
        for (SimulatedSensor s : good) {
            SensorFleet.Counts cnt = fleet.counts(s.deviceId());
            String status = stage.pebble.certStatus(s.serial()).status();
            if (cnt.refused() > 0 || !"Valid".equals(status)) {
                problems.add(s.deviceId() + ": " + cnt.refused() + " refused, " + status);
            }
        }
        if (!problems.isEmpty()) {
            throw new DemoException("well-behaved sensors were hit: " + problems);
        }
        out.printf(
                "  %d well-behaved sensors: every report accepted (%d), all Valid at Pebble%n",
                good.size(),
                good.stream()
                        .mapToLong(s -> fleet.counts(s.deviceId()).accepted())
                        .sum());
    }

    private static long awaitRevoked(LocalStage stage, String serial, long since) throws InterruptedException {
        while (!"Revoked".equals(ContainmentStage.caStatus(stage, serial))) {
            if (System.nanoTime() - since > 20_000_000_000L) {
                throw new DemoException(serial + " not Revoked at Pebble within 20 s (see " + stage.runtimeLog + ")");
            }
            Thread.sleep(2);
        }
        return System.nanoTime();
    }

    private void print(String what, List<Double> millis, String figure) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        figures.put(figure + ".n", sorted.size());
        figures.put(figure + ".p50_ms", percentile(sorted, 50));
        figures.put(figure + ".p99_ms", percentile(sorted, 99));
        figures.put(figure + ".max_ms", sorted.get(sorted.size() - 1));
        out.printf(
                Locale.ROOT,
                "  %-55s n=%d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
                what,
                sorted.size(),
                percentile(sorted, 50),
                percentile(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
