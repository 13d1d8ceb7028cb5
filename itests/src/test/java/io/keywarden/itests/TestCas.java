package io.keywarden.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.keywarden.testing.dns.BindServer;
import io.keywarden.testing.pebble.CertStatus;
import io.keywarden.testing.pebble.ChallTestSrv;
import io.keywarden.testing.pebble.PebbleHarness;
import io.keywarden.testing.pebble.TcpProxy;

/**
 * Driver side only (never loaded inside the framework): the Pebble CAs of this test JVM, started once from the first
 * {@code @Configuration} call and stopped by a shutdown hook, plus a small loopback HTTP endpoint through which the
 * tests inside the framework ask for what only the harness can do.
 *
 * <pre>
 * GET  /ca/&lt;name&gt;/root            PEM of Pebble's current root (management /roots/0)
 * GET  /ca/&lt;name&gt;/status/&lt;serial&gt;  "Valid" or "Revoked" (management /cert-status-by-serial); 404 if unknown
 * GET  /ca/&lt;name&gt;/reason/&lt;serial&gt;  the RFC 5280 reason code Pebble recorded for a revoked certificate
 * GET  /ca/&lt;name&gt;/orders           how many orders that Pebble accepted since it started
 * POST /ca/&lt;name&gt;/start | stop     start or stop that Pebble (same ports)
 * POST /ca/blockable/block | unblock  refuse connections to the main CA's proxy, or forward them again
 * </pre>
 */
final class TestCas {

    private static TestCas instance;

    private final ChallTestSrv dns;
    private final Map<String, PebbleHarness> cas = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Path workDir;
    private BindServer bind;
    private final HttpServer control;
    private TcpProxy proxy;

    private TestCas(Path workDir) throws IOException {
        this.workDir = workDir;
        Files.createDirectories(workDir);
        dns = ChallTestSrv.start(workDir.resolve("dns"));
        try {
            // nonce rejection off: the client retries badNonce anyway, and the tests should measure enrollment
            cas.put(
                    ItProperties.CA_MAIN,
                    PebbleHarness.builder(workDir.resolve("pebble-main"))
                            .sharedDns(dns)
                            .nonceRejectPercent(0)
                            .build()
                            .start());
            cas.put(
                    ItProperties.CA_SHORT,
                    PebbleHarness.builder(workDir.resolve("pebble-short"))
                            .sharedDns(dns)
                            .nonceRejectPercent(0)
                            .certificateValidity(Duration.ofSeconds(ItProperties.SHORT_VALIDITY_SECONDS))
                            .build()
                            .start());
            // built (ports, TLS anchor, config) but not started: CaOutageIT starts it
            cas.put(
                    ItProperties.CA_OUTAGE,
                    PebbleHarness.builder(workDir.resolve("pebble-outage"))
                            .sharedDns(dns)
                            .nonceRejectPercent(0)
                            .build());
            // built but not started: KuraSecretsIT starts it (EAB-required accounts only)
            cas.put(
                    ItProperties.CA_EAB,
                    PebbleHarness.builder(workDir.resolve("pebble-eab"))
                            .sharedDns(dns)
                            .nonceRejectPercent(0)
                            .eabKey(ItProperties.EAB_KID, ItProperties.EAB_HMAC)
                            .eabRequired(true)
                            .build());
            proxy = TcpProxy.start(cas.get(ItProperties.CA_MAIN).directoryUrl().getPort());
            control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            control.createContext("/ca/", this::handle);
            control.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (Map.Entry<String, PebbleHarness> e : cas.entrySet()) {
            publish(e.getKey(), e.getValue());
        }
        PebbleHarness main = cas.get(ItProperties.CA_MAIN);
        System.setProperty(
                ItProperties.caDirectory(ItProperties.CA_BLOCKABLE),
                "https://127.0.0.1:" + proxy.port() + main.directoryUrl().getPath());
        System.setProperty(
                ItProperties.caTrustAnchor(ItProperties.CA_BLOCKABLE),
                main.trustAnchorFile().toString());
        System.setProperty(ItProperties.caHttpPort(ItProperties.CA_BLOCKABLE), Integer.toString(main.httpPort()));
        System.setProperty(
                ItProperties.CONTROL_URL,
                "http://127.0.0.1:" + control.getAddress().getPort() + "/ca/");
    }

    private static void publish(String name, PebbleHarness p) {
        System.setProperty(ItProperties.caDirectory(name), p.directoryUrl().toString());
        System.setProperty(ItProperties.caTrustAnchor(name), p.trustAnchorFile().toString());
        System.setProperty(ItProperties.caHttpPort(name), Integer.toString(p.httpPort()));
    }

    /**
     * Starts (once per JVM) a real BIND 9 and two Pebbles that resolve through it, for dns-01: {@link TestDns} says
     * which zones, names and keys it serves.
     */
    static synchronized void ensureDnsStarted() {
        ensureStarted();
        if (instance.bind != null) {
            return;
        }
        BindServer b = TestDns.start(instance.workDir.resolve("bind"));
        instance.bind = b;
        for (String name : new String[] {ItProperties.CA_DNS, ItProperties.CA_DNS_SHORT}) {
            PebbleHarness.Builder pb = PebbleHarness.builder(instance.workDir.resolve("pebble-" + name))
                    .dnsServer(b.address())
                    .nonceRejectPercent(0);
            if (ItProperties.CA_DNS_SHORT.equals(name)) {
                pb.certificateValidity(Duration.ofSeconds(ItProperties.SHORT_VALIDITY_SECONDS));
            }
            PebbleHarness p = pb.build().start();
            instance.cas.put(name, p);
            publish(name, p);
        }
    }

    /** Starts the CAs once per JVM; later calls return at once. */
    static synchronized void ensureStarted() {
        if (instance != null) {
            return;
        }
        Path workDir = Path.of(ItProperties.required(ItProperties.WORKDIR)).toAbsolutePath();
        try {
            instance = new TestCas(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test CAs in " + workDir, e);
        }
        TestCas started = instance;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "keywarden-it-pebble-stop"));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            // /ca/<name>/<verb>[/<arg>]
            String[] parts = ex.getRequestURI().getPath().split("/");
            if (parts.length < 4) {
                reply(ex, 400, "expected /ca/<name>/<verb>");
                return;
            }
            boolean blockable = ItProperties.CA_BLOCKABLE.equals(parts[2]);
            PebbleHarness ca = cas.get(blockable ? ItProperties.CA_MAIN : parts[2]);
            if (ca == null) {
                reply(ex, 404, "no CA named " + parts[2]);
                return;
            }
            String verb = parts[3];
            String method = ex.getRequestMethod();
            try {
                if ("GET".equals(method) && "root".equals(verb)) {
                    reply(ex, 200, ca.rootCertificatePem());
                } else if ("GET".equals(method) && "status".equals(verb) && parts.length == 5) {
                    CertStatus s = ca.certStatus(parts[4]);
                    reply(ex, 200, s.status());
                } else if ("GET".equals(method) && "orders".equals(verb)) {
                    reply(ex, 200, Integer.toString(ca.orderCount()));
                } else if ("GET".equals(method) && "reason".equals(verb) && parts.length == 5) {
                    reply(ex, 200, Integer.toString(ca.certStatus(parts[4]).reason()));
                } else if (blockable && "POST".equals(method) && "block".equals(verb)) {
                    proxy.block();
                    reply(ex, 200, "blocked");
                } else if (blockable && "POST".equals(method) && "unblock".equals(verb)) {
                    proxy.unblock();
                    reply(ex, 200, "unblocked");
                } else if (blockable && "POST".equals(method)) {
                    reply(ex, 400, "the blockable CA is the main one behind a proxy: block or unblock it");
                } else if ("POST".equals(method) && "start".equals(verb)) {
                    ca.start();
                    reply(ex, 200, "started");
                } else if ("POST".equals(method) && "stop".equals(verb)) {
                    ca.stop();
                    reply(ex, 200, "stopped");
                } else {
                    reply(ex, 400, "unknown request " + method + " " + ex.getRequestURI());
                }
            } catch (IllegalArgumentException e) {
                reply(ex, 404, String.valueOf(e.getMessage()));
            } catch (RuntimeException e) {
                reply(ex, 500, e.toString());
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private void close() {
        if (control != null) {
            control.stop(0);
        }
        if (proxy != null) {
            proxy.close();
        }
        for (PebbleHarness p : List.copyOf(cas.values())) {
            p.close();
        }
        dns.close();
        if (bind != null) {
            bind.close();
        }
    }
}
