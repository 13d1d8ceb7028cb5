package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.keywarden.testing.pebble.CertStatus;

/**
 * {@code bench-revoke [N] [--lego] [--configured]}: a local Pebble (real http-01), the runtime with its gateway and N
 * sensors that bootstrap over EST with their IDevIDs ({@code --configured}: sensor configurations whose keys the
 * gateway holds), then one signed revocation request per sensor (by the gateway's monitor, through the runtime's
 * inbox), one at a time.
 * Reports the time from submit (the ticket's submission time, taken by the runtime) to Revoked at Pebble (the
 * RevokedAt Pebble records): median, p90, max. A benchmark, not a test.
 */
final class BenchRevokeCommand {
    private static final String GATEWAY = "gateway.bench-revoke.keywarden.test";
    private static final String DOMAIN = ".bench-revoke.keywarden.test";

    private final Layout layout;
    private final PrintStream out;

    BenchRevokeCommand(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    int run(List<String> args) {
        int n = 20;
        boolean lego = false;
        boolean configured = false;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).matches("\\d+")) {
                n = Args.intValue(args, i, 1, 10_000);
            } else if (args.get(i).equals("--lego")) {
                lego = true;
            } else if (args.get(i).equals("--configured")) {
                configured = true;
            } else {
                throw new DemoException("bench-revoke: unknown argument " + args.get(i) + "\n" + Bench.USAGE, 2);
            }
        }
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.demoDir();
        out.printf(
                Locale.ROOT,
                "Keywarden bench-revoke: %d sensors enrolled (%s), then revoked one at a time by the gateway's"
                        + " monitor (custodian account route, real http-01)%n",
                n,
                configured ? "sensor configurations" : "over EST with their IDevIDs");
        try (LocalStage stage = LocalStage.start(work)) {
            RevocationStage revocation = RevocationStage.configure(work, stage.etc, GATEWAY, 60);
            Enrolled e = configured ? enrollConfigured(stage, runtimeJar, n) : enrollOverEst(stage, runtimeJar, n);
            RuntimeProcess rt = e.runtime();
            out.printf(Locale.ROOT, "  enrolled     gateway and %d sensors%n", n);
            Timings timings = revokeEach(stage, rt, revocation, e.serials());
            out.println();
            out.printf(Locale.ROOT, "RESULT n=%d%n", n);
            out.printf(
                    Locale.ROOT,
                    "  submit -> Revoked at Pebble (Pebble's RevokedAt)   %s%n",
                    stats(timings.submitToRevoked()));
            out.printf(
                    Locale.ROOT,
                    "  file dropped in the inbox -> driver sees Revoked    %s%n",
                    stats(timings.deliveredToSeen()));
            if (lego) {
                rt.close(); // frees the validation port for lego's webroot server
                compareWithLego(stage, n, timings.submitToRevoked());
            }
            return 0;
        }
    }

    /** Milliseconds per revoked sensor. */
    private record Timings(List<Double> submitToRevoked, List<Double> deliveredToSeen) {}

    /** The runtime, and each sensor's device id with the serial of its certificate. */
    private record Enrolled(RuntimeProcess runtime, Map<String, String> serials) {}

    /** Every sensor bootstraps over EST with its IDevID; its serial is that of the certificate it holds. */
    private Enrolled enrollOverEst(LocalStage stage, Path runtimeJar, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(String.format(Locale.ROOT, "sensor-%05d", i));
        }
        EstBootstrap est = EstBootstrap.configure(stage, ids, GATEWAY, DOMAIN);
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
        RuntimeProcess rt = stage.startRuntime(runtimeJar, List.of());
        out.println("  runtime      pid " + rt.pid() + ", log " + stage.runtimeLog);
        Map<String, String> serials = new LinkedHashMap<>();
        est.awaitGateway(stage, rt);
        est.bootstrap(stage, rt, out)
                .forEach((id, s) ->
                        serials.put(id, s.chain().get(0).getSerialNumber().toString(16)));
        return new Enrolled(rt, serials);
    }

    /** {@code --configured}: the gateway and N sensors whose keys the gateway holds, read from its data directory. */
    private Enrolled enrollConfigured(LocalStage stage, Path runtimeJar, int n) {
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
        Set<String> devices = new LinkedHashSet<>();
        devices.add(GATEWAY);
        for (int i = 1; i <= n; i++) {
            String id = String.format(Locale.ROOT, "sensor-%05d", i);
            devices.add(id);
            ConfigFiles.writeSensor(stage.etc, id, new ConfigFiles.Sensor(id, List.of(id + DOMAIN), null));
        }
        RuntimeProcess rt = stage.startRuntime(runtimeJar, List.of());
        out.println("  runtime      pid " + rt.pid() + ", log " + stage.runtimeLog);
        Set<String> missing = stage.awaitCurrent(devices, Math.max(120, n) * 1000L, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException("not enrolled: " + LocalStage.abbreviate(missing) + "\n" + rt.tail(40));
        }
        Map<String, StateDir.Cert> certs = stage.state().current();
        Map<String, String> serials = new LinkedHashMap<>();
        devices.stream()
                .filter(id -> !id.equals(GATEWAY))
                .forEach(id -> serials.put(id, certs.get(id).serial()));
        return new Enrolled(rt, serials);
    }

    /** One signed request per sensor through the runtime's inbox, each awaited until Revoked at Pebble. */
    private static Timings revokeEach(
            LocalStage stage, RuntimeProcess rt, RevocationStage revocation, Map<String, String> serials) {
        Timings timings = new Timings(new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<String, String> sensor : serials.entrySet()) {
            String id = sensor.getKey();
            String serial = sensor.getValue();
            Instant delivered = Instant.now();
            revocation.deliver(id, revocation.signDeviceRevocation(id));
            Map<String, Object> result = await(
                    "the runtime's answer for " + id,
                    rt,
                    () -> revocation.result(id).orElse(null));
            // the answer file may be written after the ticket is settled already: anything but a refusal will do
            if ("REFUSED".equals(result.get("state")) || "FAILED".equals(result.get("state"))) {
                throw new DemoException(id + ": request not accepted: " + result);
            }
            Instant submitted = Instant.parse(String.valueOf(result.get("submittedAt")));
            CertStatus revoked = await(id + " Revoked at Pebble", rt, () -> {
                CertStatus s = stage.pebble.certStatus(serial);
                return s.isRevoked() ? s : null;
            });
            Instant seen = Instant.now();
            Instant revokedAt = revoked.revokedAt().orElseThrow(() -> new DemoException("Pebble gave no RevokedAt"));
            timings.submitToRevoked().add(Duration.between(submitted, revokedAt).toNanos() / 1e6);
            timings.deliveredToSeen().add(Duration.between(delivered, seen).toNanos() / 1e6);
        }
        return timings;
    }

    /** lego orders n certificates against the same Pebble, then revokes them one at a time, like the run above. */
    private void compareWithLego(LocalStage stage, int n, List<Double> keywarden) {
        if (!LegoRun.available()) {
            throw new DemoException("--lego: /usr/bin/lego not found (Debian package lego)");
        }
        try {
            out.printf(
                    Locale.ROOT,
                    "%nlego %s: ordering %d certificates, then revoking them one at a time (--reason 1)%n",
                    LegoRun.version(),
                    n);
            LegoRun.Result ordered = LegoRun.run(stage, n, 8, ".lego-revoke.keywarden.test");
            if (ordered.certificates() != n) {
                throw new DemoException("lego ordered only " + ordered.certificates() + " of " + n);
            }
            List<Double> toRevoked = new ArrayList<>();
            List<Double> toExit = new ArrayList<>();
            for (double[] t : LegoRun.revokeEach(stage, n, ".lego-revoke.keywarden.test")) {
                toRevoked.add(t[0]);
                toExit.add(t[1]);
            }
            out.printf(Locale.ROOT, "  lego process start -> Revoked at Pebble            %s%n", stats(toRevoked));
            out.printf(Locale.ROOT, "  lego process start -> lego exits                   %s%n", stats(toExit));
            List<Double> k = new ArrayList<>(keywarden);
            List<Double> l = new ArrayList<>(toRevoked);
            Collections.sort(k);
            Collections.sort(l);
            out.printf(
                    Locale.ROOT,
                    "  median to Revoked: lego / Keywarden = %.1fx%n",
                    percentile(l, 50) / percentile(k, 50));
        } catch (IOException e) {
            throw new DemoException("lego: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    private static String stats(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(
                Locale.ROOT,
                "median %.1f ms, p90 %.1f ms, max %.1f ms",
                percentile(s, 50),
                percentile(s, 90),
                s.get(s.size() - 1));
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static <T> T await(String what, RuntimeProcess rt, Supplier<T> probe) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            if (!rt.isAlive() || System.nanoTime() > deadline) {
                throw new DemoException("waiting for " + what + ": " + (rt.isAlive() ? "timed out" : "runtime exited")
                        + "\n" + rt.tail(40));
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted");
            }
        }
    }
}
