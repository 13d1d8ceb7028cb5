package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * lego and certbot against the same Pebble as the Keywarden run just before, once the runtime has freed the
 * validation port: their rate, their CPU and Pebble's CPU per certificate, and Keywarden's ratios to them.
 */
final class Peers {
    private final LocalStage stage;
    private final PrintStream out;
    private final Figures figures;
    private final double ourRate;
    private final double ourCpuPerCert;

    Peers(LocalStage stage, PrintStream out, Figures figures, double ourRate, double ourCpuPerCert) {
        this.stage = stage;
        this.out = out;
        this.figures = figures;
        this.ourRate = ourRate;
        this.ourCpuPerCert = ourCpuPerCert;
    }

    void lego(int n, int parallel, String domain) {
        if (!LegoRun.available()) {
            throw new DemoException("--lego needs lego: apt-get install lego", 2);
        }
        out.printf(Locale.ROOT, "%nlego %s, same Pebble, %d processes at a time ...%n", LegoRun.version(), parallel);
        long pebble = BenchCommand.pebblePid();
        double pebbleCpu0 = BenchCommand.Cpu.seconds(pebble);
        LegoRun.Result r = call(() -> LegoRun.run(stage, n, parallel, domain), "lego");
        report("lego", n, r.certificates(), r.wall(), r.cpuSeconds(), BenchCommand.Cpu.seconds(pebble) - pebbleCpu0);
    }

    void certbot(int n, String domain) {
        if (!CertbotRun.available()) {
            throw new DemoException("--certbot needs certbot: apt-get install certbot", 2);
        }
        out.printf(Locale.ROOT, "%ncertbot (Debian package), same Pebble, one at a time ...%n");
        long pebble = BenchCommand.pebblePid();
        double pebbleCpu0 = BenchCommand.Cpu.seconds(pebble);
        CertbotRun.Result r = call(() -> CertbotRun.run(stage, n, domain), "certbot");
        report("certbot", n, r.certificates(), r.wall(), r.cpuSeconds(), BenchCommand.Cpu.seconds(pebble) - pebbleCpu0);
    }

    private void report(String peer, int n, int ok, Duration wall, double cpu, double pebbleCpu) {
        double rate = ok / Math.max(0.001, wall.toNanos() / 1e9);
        double cpuPerCert = cpu / Math.max(1, ok);
        out.printf(
                Locale.ROOT,
                "  %s: %d/%d certificates in %.2f s (%.1f certificates/s), CPU %.1f ms per certificate, "
                        + "Pebble %.1f ms per certificate%n",
                peer,
                ok,
                n,
                wall.toNanos() / 1e9,
                rate,
                1000 * cpuPerCert,
                1000 * pebbleCpu / Math.max(1, ok));
        out.printf(
                Locale.ROOT,
                "  Keywarden / %s: %.2fx the rate, %.2fx the client CPU per certificate%n",
                peer,
                ourRate / rate,
                ourCpuPerCert / cpuPerCert);
        figures.put(peer + ".n", n);
        figures.put(peer + ".certificates", ok);
        figures.put(peer + ".rate", rate);
        figures.put(peer + ".cpu_ms", 1000 * cpuPerCert);
        figures.put(peer + ".pebble_cpu_ms", 1000 * pebbleCpu / Math.max(1, ok));
    }

    private interface Run<T> {
        T call() throws IOException, InterruptedException;
    }

    private static <T> T call(Run<T> run, String peer) {
        try {
            return run.call();
        } catch (IOException e) {
            throw new DemoException(peer + " run failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }
}
