package io.keywarden.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import io.keywarden.testing.pebble.CertStatus;

/**
 * lego (Debian package {@code lego}) against the same Pebble, with the same real http-01 validation: the lego
 * processes write their tokens to one webroot that a small server here publishes on Pebble's validation port.
 * Each process registers its own account and orders one certificate, which is how lego is run per host.
 */
final class LegoRun {
    private static final String LEGO = "/usr/bin/lego";

    /** Wall time and CPU seconds of all lego processes (collected from the JVM's waited-for children). */
    record Result(int certificates, Duration wall, double cpuSeconds) {}

    private LegoRun() {}

    static String version() {
        try {
            Process p = new ProcessBuilder(LEGO, "--version")
                    .redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return v.isEmpty() ? "(unknown version)" : "(" + v + ", Debian package)";
        } catch (IOException e) {
            return "(unknown version)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(unknown version)";
        }
    }

    static boolean available() {
        return Files.isExecutable(Path.of(LEGO));
    }

    static Result run(LocalStage stage, int n, int parallel, String domain) throws IOException, InterruptedException {
        Path work = stage.workDir.resolve("lego");
        Path webroot = work.resolve("webroot");
        Files.createDirectories(webroot.resolve(".well-known/acme-challenge"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", stage.pebble.httpPort()), 128);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/.well-known/acme-challenge/", exchange -> {
            Path file = webroot.resolve(exchange.getRequestURI().getPath().substring(1))
                    .normalize();
            byte[] body = file.startsWith(webroot) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        double cpu0 = BenchCommand.Cpu.childrenOfThisJvm();
        long t0 = System.nanoTime();
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String name = String.format(Locale.ROOT, "lego-%05d%s", i, domain);
                Path path = work.resolve("accounts").resolve(Integer.toString(i));
                runs.add(pool.submit(() -> legoOnce(stage, name, path, webroot, work.resolve("lego.log"))));
            }
            int ok = 0;
            for (Future<Integer> f : runs) {
                try {
                    ok += f.get() == 0 ? 1 : 0;
                } catch (ExecutionException e) {
                    throw new DemoException("lego failed: " + e.getCause());
                }
            }
            return new Result(
                    ok, Duration.ofNanos(System.nanoTime() - t0), BenchCommand.Cpu.childrenOfThisJvm() - cpu0);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    /**
     * After {@link #run}: revokes each of the {@code n} certificates lego ordered, one at a time, with
     * {@code lego revoke --reason 1} under the account that ordered it (the custodian route, as Keywarden's bench
     * uses). Returns, per certificate, milliseconds from starting the lego process to Pebble's RevokedAt, and to the
     * process's exit.
     */
    static List<double[]> revokeEach(LocalStage stage, int n, String domain) throws IOException, InterruptedException {
        Path work = stage.workDir.resolve("lego");
        List<double[]> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String name = String.format(Locale.ROOT, "lego-%05d%s", i, domain);
            Path path = work.resolve("accounts").resolve(Integer.toString(i));
            String serial = serialOf(path.resolve("certificates").resolve(name + ".crt"));
            ProcessBuilder pb = new ProcessBuilder(
                            LEGO,
                            "--accept-tos",
                            "--email",
                            "bench@keywarden.test",
                            "--server",
                            stage.pebble.directoryUrl().toString(),
                            "--path",
                            path.toString(),
                            "--domains",
                            name,
                            "revoke",
                            "--reason",
                            "1")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            work.resolve("lego.log").toFile()));
            pb.environment()
                    .put("LEGO_CA_CERTIFICATES", stage.pebble.trustAnchorFile().toString());
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new DemoException("lego revoke of " + name + " failed; see " + work.resolve("lego.log"));
            }
            double exited = (System.nanoTime() - t0) / 1e6;
            CertStatus status = stage.pebble.certStatus(serial);
            Instant revokedAt = status.revokedAt()
                    .orElseThrow(
                            () -> new DemoException("lego revoke of " + name + " exited 0 but Pebble says " + status));
            out.add(new double[] {Duration.between(started, revokedAt).toNanos() / 1e6, exited});
        }
        return out;
    }

    private static String serialOf(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return c.getSerialNumber().toString(16);
        } catch (CertificateException e) {
            throw new IOException("cannot read " + pem + ": " + e.getMessage(), e);
        }
    }

    private static int legoOnce(LocalStage stage, String name, Path path, Path webroot, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        LEGO,
                        "--accept-tos",
                        "--email",
                        "bench@keywarden.test",
                        "--server",
                        stage.pebble.directoryUrl().toString(),
                        "--path",
                        path.toString(),
                        "--key-type",
                        "ec256",
                        "--domains",
                        name,
                        "--http",
                        "--http.webroot",
                        webroot.toString(),
                        "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment()
                .put("LEGO_CA_CERTIFICATES", stage.pebble.trustAnchorFile().toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
