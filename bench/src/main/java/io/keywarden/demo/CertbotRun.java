package io.keywarden.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * certbot (Debian package {@code certbot}) against the same Pebble, one certificate at a time as certbot runs on a
 * host: {@code certbot certonly --standalone}, its own http-01 server on Pebble's validation port, Pebble's TLS root
 * through {@code REQUESTS_CA_BUNDLE}. The first run registers certbot's account; the others reuse it.
 */
final class CertbotRun {
    private static final String CERTBOT = "/usr/bin/certbot";

    /** Wall time and CPU seconds of all certbot processes (the JVM's waited-for children). */
    record Result(int certificates, Duration wall, double cpuSeconds) {}

    private CertbotRun() {}

    static boolean available() {
        return Files.isExecutable(Path.of(CERTBOT));
    }

    static Result run(LocalStage stage, int n, String domain) throws IOException, InterruptedException {
        Path work = stage.workDir.resolve("certbot");
        Files.createDirectories(work);
        Path log = work.resolve("certbot.log");
        double cpu0 = BenchCommand.Cpu.childrenOfThisJvm();
        long t0 = System.nanoTime();
        int ok = 0;
        for (int i = 1; i <= n; i++) {
            String name = String.format(Locale.ROOT, "certbot-%05d%s", i, domain);
            ok += once(stage, work, name, log) == 0 ? 1 : 0;
        }
        return new Result(ok, Duration.ofNanos(System.nanoTime() - t0), BenchCommand.Cpu.childrenOfThisJvm() - cpu0);
    }

    private static int once(LocalStage stage, Path work, String name, Path log)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(
                CERTBOT,
                "certonly",
                "--standalone",
                "--non-interactive",
                "--agree-tos",
                "--no-eff-email",
                "--email",
                "bench@keywarden.test",
                "--server",
                stage.pebble.directoryUrl().toString(),
                "--config-dir",
                work.resolve("config").toString(),
                "--work-dir",
                work.resolve("work").toString(),
                "--logs-dir",
                work.resolve("logs").toString(),
                "--http-01-address",
                "127.0.0.1",
                "--http-01-port",
                Integer.toString(stage.pebble.httpPort()),
                "--key-type",
                "ecdsa",
                "--elliptic-curve",
                "secp256r1",
                "-d",
                name);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // certbot talks to Pebble's ACME endpoint through python-requests, which trusts this bundle only
        pb.environment()
                .put("REQUESTS_CA_BUNDLE", stage.pebble.trustAnchorFile().toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
