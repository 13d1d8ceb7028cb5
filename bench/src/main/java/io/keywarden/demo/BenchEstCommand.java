package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.keywarden.est.internal.auth.EnrollmentCodeStore;
import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.sensors.EstSensorClient;
import io.keywarden.testing.sensors.ManufacturerPki;
import io.keywarden.testing.sensors.SensorKeys;

/**
 * {@code bench-est [N]}: a local Pebble (real http-01), the runtime with its EST server; N simulated sensors bootstrap
 * at once over EST with Bouncy Castle's client (half with IDevIDs of a simulated manufacturer, half with one-time
 * codes), then, in the same run, N sensors are enrolled through the direct API (sensor configurations, as
 * {@code bench}). Reports certificates/s and p50/p99 time to certificate, and the EST front's cost per certificate.
 * A benchmark, not a test.
 */
final class BenchEstCommand {
    private static final String GATEWAY = "gateway.bench-est.keywarden.test";
    private static final String DOMAIN = ".bench-est.keywarden.test";

    private final Layout layout;
    private final PrintStream out;
    private final Figures figures;

    BenchEstCommand(Layout layout, PrintStream out) {
        this(layout, out, new Figures());
    }

    /** As the command line runs it; the figures also go to {@code figures} (for {@code bench-all}). */
    BenchEstCommand(Layout layout, PrintStream out, Figures figures) {
        this.layout = layout;
        this.out = out;
        this.figures = figures;
    }

    private record Settings(int n, int concurrency, int clients) {}

    int run(List<String> args) {
        Settings settings = parse(args);
        int n = settings.n();
        int clients = settings.clients();
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.demoDir();
        out.printf(
                Locale.ROOT,
                "Keywarden bench-est: %d sensors over EST (%d EST clients at once, half IDevID, half "
                        + "code), then %d through the direct API (each with its own CSR); enrollment.concurrency=%d, real http-01 validation%n",
                n,
                clients,
                n,
                settings.concurrency());
        try (LocalStage stage = LocalStage.start(work)) {
            ManufacturerPki pki = new ManufacturerPki("Bench Sensors");
            int port = FreePorts.find();
            Map<String, String> codes = configure(stage, work, pki, port, settings.concurrency(), n);
            RuntimeProcess rt = startGateway(stage, runtimeJar, port);
            X509Certificate root = stage.pebble.rootCertificates().get(0);
            EstSensorClient client = new EstSensorClient("127.0.0.1:" + port, root, GATEWAY);

            warmUp(client, pki, stage, clients);
            // the manufacturer made the IDevIDs long before: not on the clock
            List<String> ids = new ArrayList<>(codes.keySet());
            Map<String, ManufacturerPki.Idevid> idevids = new LinkedHashMap<>();
            for (int i = 1; ids.size() < n; i++) {
                String id = String.format(Locale.ROOT, "idevid-%05d", i);
                ids.add(id);
                idevids.put(id, pki.issue(id));
            }
            long self = ProcessHandle.current().pid();
            long pebblePid = BenchCommand.pebblePid();
            double cpu0 = BenchCommand.Cpu.seconds(rt.pid());
            double clientCpu0 = BenchCommand.Cpu.seconds(self);
            double pebbleCpu0 = BenchCommand.Cpu.seconds(pebblePid);
            Instant t0 = Instant.now();
            List<Long> millis = viaEst(client, idevids, codes, ids, clients, stage);
            Duration estWall = Duration.between(t0, Instant.now());
            double estCpu = BenchCommand.Cpu.seconds(rt.pid()) - cpu0;
            double clientCpu = BenchCommand.Cpu.seconds(self) - clientCpu0;
            double pebbleCpu = BenchCommand.Cpu.seconds(pebblePid) - pebbleCpu0;

            double directCpu0 = BenchCommand.Cpu.seconds(rt.pid());
            Duration directWall = direct(stage, work, rt, n);
            double directCpu = BenchCommand.Cpu.seconds(rt.pid()) - directCpu0;
            report(n, clients, millis, estWall, estCpu, directWall);
            out.printf(
                    Locale.ROOT,
                    "  CPU per certificate: runtime %.1f ms over EST, %.1f ms direct; the EST clients "
                            + "(this JVM) %.1f ms; Pebble %.1f ms (EST phase)%n",
                    1000 * estCpu / n,
                    1000 * directCpu / n,
                    1000 * clientCpu / n,
                    1000 * pebbleCpu / n);
            return 0;
        }
    }

    private static Settings parse(List<String> args) {
        int n = 100;
        int concurrency = 8;
        int clients = -1;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--concurrency" -> concurrency = Args.intValue(args, ++i, 1, 256);
                case "--clients" -> clients = Args.intValue(args, ++i, 1, 1024);
                default -> {
                    if (a.matches("\\d+")) {
                        n = Args.intValue(args, i, 2, 100_000);
                    } else {
                        throw new DemoException("bench-est: unknown argument " + a + "\n" + Bench.USAGE, 2);
                    }
                }
            }
        }
        return new Settings(n, concurrency, clients < 0 ? Math.min(n, 64) : clients);
    }

    private RuntimeProcess startGateway(LocalStage stage, Path runtimeJar, int port) {
        RuntimeProcess rt = stage.startRuntime(runtimeJar, List.of());
        out.println("  Pebble       " + stage.pebble.directoryUrl());
        out.println("  runtime      pid " + rt.pid() + ", log " + stage.runtimeLog);
        if (!stage.awaitCurrent(Set.of(GATEWAY), 90_000, have -> {}).isEmpty()) {
            throw new DemoException("the gateway got no certificate within 90 s:\n" + rt.tail(40));
        }
        EstStage.awaitListening(port, rt, 30_000);
        return rt;
    }

    /** The same kind of request as over EST through the direct API: each sensor's own key and CSR, made first. */
    private static Duration direct(LocalStage stage, Path work, RuntimeProcess rt, int n) {
        Map<String, ConfigFiles.Sensor> direct = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            String id = String.format(Locale.ROOT, "direct-%05d", i);
            List<String> names = List.of(id + DOMAIN);
            direct.put(
                    id,
                    new ConfigFiles.Sensor(
                            id,
                            names,
                            Crypto.sensorKey(work.resolve("sensors").resolve(id), names)
                                    .csrFile()));
        }
        Instant t1 = Instant.now();
        int k = 0;
        for (ConfigFiles.Sensor s : direct.values()) {
            ConfigFiles.writeSensor(stage.etc, "direct" + (++k), s);
        }
        Set<String> missing = stage.awaitCurrent(direct.keySet(), Math.max(180, n) * 1000L, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException(missing.size() + " direct sensors got no certificate:\n" + rt.tail(40));
        }
        return Duration.between(t1, Instant.now());
    }

    /** Gateway, EST server and device class configurations; the operator's codes for the code half. */
    private Map<String, String> configure(
            LocalStage stage, Path work, ManufacturerPki pki, int port, int concurrency, int n) {
        try {
            Path anchor = work.resolve("manufacturer-root.pem");
            Files.writeString(anchor, pki.rootPem());
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, concurrency));
            Path estData = work.resolve("est");
            Map<String, String> est = new LinkedHashMap<>();
            est.put("bind.address", "127.0.0.1");
            est.put("port", Integer.toString(port));
            est.put("data.dir", estData.toAbsolutePath().toString());
            est.put("threads", "32");
            est.put("connections.per.source", "256");
            est.put("ca.wait.ms", "20000");
            // a throughput run with 64 clients on a small machine: handshakes queue; the deadlines are not measured
            // here
            est.put("first.request.deadline.ms", "30000");
            est.put("request.deadline.ms", "60000");
            ConfigFiles.write(stage.etc.resolve("io.keywarden.est.cfg"), est, "EST server (bench-est)");
            Map<String, String> cls = new LinkedHashMap<>();
            cls.put("name", "bench");
            cls.put("devices.pattern", "(idevid|code)-[0-9]+");
            cls.put("idevid.anchors", anchor.toAbsolutePath().toString());
            cls.put("dns.names", "{id}" + DOMAIN);
            ConfigFiles.write(
                    stage.etc.resolve("io.keywarden.est.class-bench.cfg"), cls, "EST device class (bench-est)");
            // the operator's est:code, done before the start: the same store the server reads
            EnrollmentCodeStore store = new EnrollmentCodeStore(estData.resolve("codes"), Clock.systemUTC());
            Map<String, String> codes = new LinkedHashMap<>();
            for (int i = 1; i <= n / 2; i++) {
                String id = String.format(Locale.ROOT, "code-%05d", i);
                codes.put(id, store.create(id, Instant.now().plus(Duration.ofHours(1))));
            }
            return codes;
        } catch (IOException e) {
            throw new DemoException("cannot write the bench configuration: " + e);
        }
    }

    /** Enrolls these sensors over EST, {@code clients} at a time: those with a code by code, the others by IDevID. */
    private List<Long> viaEst(
            EstSensorClient client,
            Map<String, ManufacturerPki.Idevid> idevids,
            Map<String, String> codes,
            List<String> ids,
            int clients,
            LocalStage stage) {
        int n = ids.size();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (String id : ids) {
                ManufacturerPki.Idevid idevid = idevids.get(id);
                results.add(pool.submit(() -> {
                    KeyPair key = SensorKeys.newKey();
                    long start = System.nanoTime();
                    X509Certificate c = idevid != null
                            ? client.enrollWithIdevid(idevid, key, id + DOMAIN)
                            : client.enrollWithCode(id, codes.get(id), key, id + DOMAIN);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (!stage.pebble
                            .certStatus(c.getSerialNumber().toString(16))
                            .isValid()) {
                        throw new IllegalStateException(id + ": certificate not Valid at Pebble");
                    }
                    return ms;
                }));
            }
            List<Long> millis = new ArrayList<>();
            for (Future<Long> f : results) {
                millis.add(f.get(Math.max(300, n), TimeUnit.SECONDS));
            }
            return millis;
        } catch (Exception e) {
            throw new DemoException("EST enrollment failed: " + e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A few sensors through both routes before anything is measured, so neither phase pays for the runtime's first
     * compilation of the code it runs.
     */
    private void warmUp(EstSensorClient client, ManufacturerPki pki, LocalStage stage, int clients) {
        List<String> ids = new ArrayList<>();
        Map<String, ManufacturerPki.Idevid> idevids = new LinkedHashMap<>();
        Map<String, ConfigFiles.Sensor> direct = new LinkedHashMap<>();
        for (int i = 90_001; i <= 90_008; i++) {
            ids.add("idevid-" + i);
            idevids.put("idevid-" + i, pki.issue("idevid-" + i));
            String id = "direct-" + i;
            direct.put(id, new ConfigFiles.Sensor(id, List.of(id + DOMAIN), null));
        }
        viaEst(client, idevids, Map.of(), ids, clients, stage);
        int k = 0;
        for (ConfigFiles.Sensor s : direct.values()) {
            ConfigFiles.writeSensor(stage.etc, "warm" + (++k), s);
        }
        if (!stage.awaitCurrent(direct.keySet(), 120_000, have -> {}).isEmpty()) {
            throw new DemoException("warm-up sensors got no certificate");
        }
    }

    private void report(int n, int clients, List<Long> millis, Duration estWall, double estCpu, Duration directWall) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        double est = estWall.toNanos() / 1e9;
        double direct = directWall.toNanos() / 1e9;
        figures.put("n", n);
        figures.put("est.rate", n / est);
        figures.put("direct.rate", n / direct);
        figures.put("est.overhead_pct", 100 * (est / direct - 1));
        figures.put("est.cpu_ms", 1000 * estCpu / n);
        out.println();
        out.printf(Locale.ROOT, "RESULT bench-est n=%d clients=%d%n", n, clients);
        out.printf(
                Locale.ROOT,
                "  EST     %d certificates in %.2f s (%.1f certificates/s), time to certificate p50 %d ms, "
                        + "p99 %d ms, max %d ms; runtime CPU %.1f ms per certificate%n",
                n,
                est,
                n / est,
                sorted.get(sorted.size() / 2),
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
                sorted.get(sorted.size() - 1),
                1000 * estCpu / n);
        out.printf(Locale.ROOT, "  direct  %d certificates in %.2f s (%.1f certificates/s)%n", n, direct, n / direct);
        out.printf(
                Locale.ROOT,
                "  EST front per certificate: %+.0f%% against the direct API (goal: at most +15%%)%n",
                100 * (est / direct - 1));
    }
}
