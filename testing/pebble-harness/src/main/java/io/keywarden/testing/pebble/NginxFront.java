package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A real nginx (Debian {@code nginx-light}) in front of a {@link PebbleHarness}, limiting the rate of revokeCert
 * requests the way a CA's front end does: beyond {@code perSecond} (with a burst) it answers itself, with a
 * Retry-After, and the request never reaches Pebble. Pebble has no rate limits of its own. Everything else passes
 * through; Pebble builds its URLs from the Host header, so the client keeps talking to the front.
 *
 * <p>Every revokeCert request the front saw is in its access log with the time it arrived and its answer
 * ({@link #revocations()}).
 */
public final class NginxFront implements AutoCloseable {
    static final Path DEFAULT_BINARY = Path.of("/usr/sbin/nginx");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    /** How the front refuses a request over the limit. */
    public enum Refusal {
        /** HTTP 429 with an RFC 8555 §6.6 {@code rateLimited} problem document and Retry-After. */
        RATE_LIMITED,
        /** HTTP 503 with Retry-After and a plain-text body, as a load balancer answers. */
        BUSY
    }

    /** One revokeCert request: when it arrived at the front, and the status it was answered with. */
    public record Revocation(Instant arrived, int status) {}

    private final Path dir;
    private final int port;
    private final Process process;

    private NginxFront(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts nginx on a free loopback port in front of {@code pebble}, refusing revokeCert requests beyond
     * {@code perSecond} (plus {@code burst}) with {@code refusal} and {@code Retry-After: retryAfterSeconds}.
     */
    public static NginxFront start(
            PebbleHarness pebble, Path dir, Refusal refusal, int perSecond, int burst, int retryAfterSeconds) {
        Path binary = Path.of(System.getProperty("keywarden.nginx.binary", DEFAULT_BINARY.toString()));
        Processes.requireExecutable(binary);
        int port = FreePorts.find();
        try {
            Files.createDirectories(dir.resolve("temp"));
            Files.writeString(
                    dir.resolve("nginx.conf"),
                    config(pebble, dir, port, refusal, perSecond, burst, retryAfterSeconds),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the nginx configuration in " + dir, e);
        }
        Path log = dir.resolve("nginx.out");
        Process p = Processes.start(
                List.of(
                        binary.toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString(),
                        "-e",
                        dir.resolve("error.log").toString()),
                Map.of(),
                dir,
                log);
        NginxFront front = new NginxFront(dir, port, p);
        front.awaitListening(pebble);
        return front;
    }

    private static String config(
            PebbleHarness pebble, Path dir, int port, Refusal refusal, int perSecond, int burst, int retryAfter) {
        String upstream = "https://127.0.0.1:" + pebble.acmePort();
        String refused = refusal == Refusal.RATE_LIMITED
                ? "default_type application/problem+json;\n"
                        + "            return 429 '{\"type\":\"urn:ietf:params:acme:error:rateLimited\","
                        + "\"detail\":\"too many revocations: retry after " + retryAfter + " s\",\"status\":429}';"
                : "default_type text/plain;\n            return 503 'revocations paused: retry after " + retryAfter
                        + " s';";
        int status = refusal == Refusal.RATE_LIMITED ? 429 : 503;
        String temp = dir.resolve("temp").toString();
        return String.join(
                "\n",
                "daemon off;",
                "master_process off;",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 512; }",
                "http {",
                "    log_format revocations '$msec $status $request_method $uri';",
                "    access_log " + dir.resolve("access.log") + " revocations;",
                "    client_body_temp_path " + temp + "/body;",
                "    proxy_temp_path " + temp + "/proxy;",
                "    fastcgi_temp_path " + temp + "/fastcgi;",
                "    uwsgi_temp_path " + temp + "/uwsgi;",
                "    scgi_temp_path " + temp + "/scgi;",
                "    limit_req_zone $server_port zone=revocations:1m rate=" + perSecond + "r/s;",
                "    server {",
                "        listen 127.0.0.1:" + port + " ssl;",
                "        ssl_certificate " + pebble.tlsCertificateFile() + ";",
                "        ssl_certificate_key " + pebble.tlsKeyFile() + ";",
                "        proxy_set_header Host $http_host;",
                "        proxy_ssl_trusted_certificate " + pebble.trustAnchorFile() + ";",
                "        proxy_ssl_verify on;",
                "        proxy_ssl_name localhost;",
                "        location = /revoke-cert {",
                "            limit_req zone=revocations burst=" + burst + " nodelay;",
                "            limit_req_status " + status + ";",
                "            error_page " + status + " = @refused;",
                "            proxy_pass " + upstream + ";",
                "        }",
                "        location / { proxy_pass " + upstream + "; }",
                "        location @refused {",
                "            add_header Retry-After " + retryAfter + " always;",
                "            " + refused,
                "        }",
                "    }",
                "}",
                "");
    }

    private void awaitListening(PebbleHarness pebble) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with code " + process.exitValue() + ":\n"
                        + Processes.tail(dir.resolve("error.log"), 20) + "\n"
                        + Processes.tail(dir.resolve("nginx.out"), 20));
            }
            try (var s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("nginx not listening on " + port + " within "
                            + START_TIMEOUT.toSeconds() + " s:\n" + Processes.tail(dir.resolve("error.log"), 20));
                }
                ChallTestSrv.sleep(50);
            }
        }
    }

    /** The ACME directory through the front. */
    public URI directoryUrl() {
        return URI.create("https://127.0.0.1:" + port + "/dir");
    }

    public int port() {
        return port;
    }

    /** Every revokeCert request the front has logged so far, in the order it logged them. */
    public List<Revocation> revocations() {
        List<Revocation> out = new ArrayList<>();
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split(" ");
                if (f.length == 4 && f[2].equals("POST") && f[3].equals("/revoke-cert")) {
                    long micros = Math.round(Double.parseDouble(f[0]) * 1_000_000);
                    out.add(new Revocation(
                            Instant.EPOCH.plusNanos(micros * 1000), Integer.parseInt(f[1].toLowerCase(Locale.ROOT))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        return out;
    }

    @Override
    public void close() {
        Processes.destroy(process);
    }
}
