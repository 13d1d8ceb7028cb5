package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Starts and drives one real Pebble ACME test CA ({@code /usr/bin/pebble}, Debian package {@code pebble}) for
 * integration tests and demos.
 *
 * <p>Pebble's HTTPS listeners (ACME and management) use a server certificate for {@code localhost}, {@code 127.0.0.1}
 * and {@code ::1} signed by a self-signed CA generated per harness: clients must trust {@link #trustAnchorFile()} /
 * {@link #trustAnchorPem()}. Challenge validation is real (HTTP-01 on {@link #httpPort()} of 127.0.0.1, every name
 * resolves to 127.0.0.1 through a {@link ChallTestSrv} mock DNS), without Pebble's random validation sleeps
 * ({@code PEBBLE_VA_NOSLEEP=1}). Pebble validates each challenge from 3 "perspectives", i.e. the responder sees 3
 * requests per challenge.
 *
 * <p>Ports are chosen when the harness is built and stay the same across {@link #stop()} / {@link #start()}; the
 * Pebble root and intermediate CAs (and all accounts, orders, certificates) are new on every start.
 */
public final class PebbleHarness implements AutoCloseable {

    static final Path DEFAULT_BINARY = Path.of("/usr/bin/pebble");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path workDir;
    private final Path binary;
    private final Path configFile;
    private final Path logFile;
    private final TlsMaterial tls;
    private final HttpClient http;
    private final int acmePort;
    private final int managementPort;
    private final int httpPort;
    private final int tlsPort;
    private final Map<String, String> environment;
    private final ChallTestSrv sharedDns;
    private final String dnsServer;
    private final ManagementApi management;

    private ChallTestSrv ownedDns;
    private Process pebble;

    private PebbleHarness(Builder b) {
        this.workDir = b.workDir;
        this.binary = Path.of(System.getProperty("keywarden.pebble.binary", DEFAULT_BINARY.toString()));
        Processes.requireExecutable(binary);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir, e);
        }
        this.configFile = workDir.resolve("pebble-config.json");
        this.logFile = workDir.resolve("pebble.log");
        this.tls = TlsMaterial.generate(workDir);
        this.acmePort = b.acmePort > 0 ? b.acmePort : FreePorts.find();
        this.managementPort = FreePorts.find();
        this.httpPort = b.httpPort > 0 ? b.httpPort : FreePorts.find();
        this.tlsPort = FreePorts.find();
        this.sharedDns = b.sharedDns;
        this.dnsServer = b.dnsServer;

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PEBBLE_VA_NOSLEEP", "1");
        if (b.nonceRejectPercent != null) {
            env.put("PEBBLE_WFE_NONCEREJECT", Integer.toString(b.nonceRejectPercent));
        }
        env.putAll(b.extraEnvironment);
        this.environment = Map.copyOf(env);

        SSLContext ssl = tls.sslContext();
        this.http = HttpClient.newBuilder()
                .sslContext(ssl)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        new PebbleConfig(
                        acmePort,
                        managementPort,
                        httpPort,
                        tlsPort,
                        tls,
                        b.eabRequired,
                        b.eabKeys,
                        b.certificateValidity)
                .writeTo(configFile);
        this.management = new ManagementApi(http, managementUrl(), this::isRunning);
    }

    /** A builder for a harness whose generated config, TLS files and logs live in {@code workDir}. */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /**
     * Starts the mock DNS (unless shared) and Pebble, and waits (at most ~20 s) until {@code GET /dir} answers.
     * Does nothing if Pebble is already running.
     *
     * @throws IllegalStateException with the tail of {@code pebble.log} if Pebble does not come up
     */
    public synchronized PebbleHarness start() {
        if (isRunning()) {
            return this;
        }
        List<String> cmd = List.of(
                binary.toString(),
                "-config",
                configFile.toString(),
                "-dnsserver",
                dnsServer != null ? dnsServer : "127.0.0.1:" + runningDnsPort());
        Process p = Processes.start(cmd, environment, workDir, logFile);
        pebble = p;
        awaitDirectory(p);
        return this;
    }

    /** The port of the mock DNS, starting (or restarting) the harness's own one if it is not running. */
    private int runningDnsPort() {
        if (sharedDns != null) {
            if (!sharedDns.isRunning()) {
                throw new IllegalStateException("the shared ChallTestSrv is not running");
            }
            return sharedDns.dnsPort();
        }
        if (ownedDns == null || !ownedDns.isRunning()) {
            if (ownedDns != null) {
                ownedDns.close();
            }
            ownedDns = ChallTestSrv.start(workDir);
        }
        return ownedDns.dnsPort();
    }

    /** Waits until {@code GET /dir} answers with a directory; stops Pebble and throws if it does not. */
    private void awaitDirectory(Process p) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (true) {
            if (!p.isAlive()) {
                pebble = null;
                Processes.destroy(p);
                throw new IllegalStateException("Pebble exited with code " + p.exitValue() + " during start ("
                        + lastProblem + "); tail of " + logFile + ":\n" + Processes.tail(logFile, 40));
            }
            try {
                lastProblem = DirectoryProbe.problem(http, directoryUrl());
                if (lastProblem == null) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while waiting for Pebble", e);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("Pebble not ready within " + START_TIMEOUT.toSeconds() + " s ("
                        + lastProblem + "); tail of " + logFile + ":\n" + Processes.tail(logFile, 40));
            }
            ChallTestSrv.sleep(100);
        }
    }

    /** Stops Pebble only (the mock DNS keeps running); {@link #start()} restarts it on the same ports. */
    public synchronized void stop() {
        Process p = pebble;
        pebble = null;
        Processes.destroy(p);
    }

    public synchronized boolean isRunning() {
        return pebble != null && pebble.isAlive();
    }

    /** {@code https://127.0.0.1:<acmePort>/dir}. */
    public URI directoryUrl() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    /** PEM file of the self-signed CA that signed Pebble's HTTPS certificate (trust this, not Pebble's roots). */
    public Path trustAnchorFile() {
        return tls.caCertFile;
    }

    public String trustAnchorPem() {
        return tls.caCertPem;
    }

    /** The trust anchor parsed. */
    public X509Certificate trustAnchor() {
        return tls.caCert;
    }

    /** An SSLContext trusting exactly {@link #trustAnchor()}: handy for clients in tests. */
    public SSLContext sslContext() {
        return tls.sslContext();
    }

    /** Pebble's own HTTPS certificate chain (PEM, leaf first), for a front that presents the same identity. */
    public Path tlsCertificateFile() {
        return tls.serverCertFile;
    }

    /** The key of {@link #tlsCertificateFile()} (PEM). */
    public Path tlsKeyFile() {
        return tls.serverKeyFile;
    }

    /** Port on 127.0.0.1 where an HTTP-01 responder must listen: Pebble's validator connects here. */
    public int httpPort() {
        return httpPort;
    }

    public int acmePort() {
        return acmePort;
    }

    /**
     * How many orders this Pebble has accepted since its last start (counted in its log: Pebble offers no order
     * listing on its management interface).
     */
    public int orderCount() {
        return PebbleLog.orderCount(logFile);
    }

    /** Port of the mock DNS server Pebble resolves names with. */
    public int dnsPort() {
        ChallTestSrv dns = sharedDns != null ? sharedDns : ownedDns;
        if (dns == null) {
            throw new IllegalStateException("not started yet");
        }
        return dns.dnsPort();
    }

    /** Base URL of Pebble's management interface, {@code https://127.0.0.1:<port>/} (same TLS cert as ACME). */
    public URI managementUrl() {
        return URI.create("https://127.0.0.1:" + managementPort + "/");
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** PEM of Pebble's current root CA ({@code GET /roots/0}); a new root on every start. */
    public String rootCertificatePem() {
        return management.get("roots/0");
    }

    /** PEM of Pebble's current intermediate CA ({@code GET /intermediates/0}). */
    public String intermediateCertificatePem() {
        return management.get("intermediates/0");
    }

    public List<X509Certificate> rootCertificates() {
        return TlsMaterial.parseCertificates(rootCertificatePem());
    }

    /**
     * Status of an issued certificate ({@code GET /cert-status-by-serial/<hex>}).
     *
     * @param serialHex serial number as hex (lower-case, no leading zeros; upper case, {@code 0x} and colons are
     *                  tolerated)
     * @throws IllegalArgumentException if Pebble knows no certificate with that serial
     * @throws IllegalStateException    if Pebble is not running or answers unexpectedly
     */
    public CertStatus certStatus(String serialHex) {
        return management.certStatus(serialHex);
    }

    /** Stops Pebble and the mock DNS if this harness owns it; idempotent. */
    @Override
    public synchronized void close() {
        stop();
        if (ownedDns != null) {
            ownedDns.close();
            ownedDns = null;
        }
    }

    @Override
    public String toString() {
        return "PebbleHarness[" + directoryUrl() + ", httpPort=" + httpPort + ", workDir=" + workDir + "]";
    }

    /** Configures a {@link PebbleHarness}; ports not set explicitly are free ports chosen by {@link #build()}. */
    public static final class Builder {
        private final Path workDir;
        private Duration certificateValidity;
        private Integer nonceRejectPercent;
        private int httpPort;
        private int acmePort;
        private final Map<String, String> eabKeys = new LinkedHashMap<>();
        private boolean eabRequired;
        private ChallTestSrv sharedDns;
        private String dnsServer;
        private final Map<String, String> extraEnvironment = new LinkedHashMap<>();

        private Builder(Path workDir) {
            this.workDir =
                    Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
        }

        /** Validity of issued certificates ({@code certificateValidityPeriod}); default: Pebble's own default. */
        public Builder certificateValidity(Duration validity) {
            if (validity == null || validity.getSeconds() < 1) {
                throw new IllegalArgumentException("certificate validity must be at least 1 s: " + validity);
            }
            this.certificateValidity = validity;
            return this;
        }

        /** {@code PEBBLE_WFE_NONCEREJECT}: percentage of good nonces rejected as badNonce (Pebble's default: 5). */
        public Builder nonceRejectPercent(int percent) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("percent must be 0..100: " + percent);
            }
            this.nonceRejectPercent = percent;
            return this;
        }

        /** Port Pebble's validator connects to for HTTP-01; default: a free port. */
        public Builder httpPort(int port) {
            this.httpPort = checkPort(port);
            return this;
        }

        /** Fixed ACME port; default: a free port. */
        public Builder acmePort(int port) {
            this.acmePort = checkPort(port);
            return this;
        }

        /** Adds an external account binding key (HMAC key base64url-encoded, as Pebble's config expects). */
        public Builder eabKey(String kid, String base64urlHmac) {
            eabKeys.put(Objects.requireNonNull(kid, "kid"), Objects.requireNonNull(base64urlHmac, "base64urlHmac"));
            return this;
        }

        /** {@code externalAccountBindingRequired}. */
        public Builder eabRequired(boolean required) {
            this.eabRequired = required;
            return this;
        }

        /** Uses a running mock DNS server owned by the caller instead of starting one per harness. */
        public Builder sharedDns(ChallTestSrv dns) {
            this.sharedDns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        /**
         * Resolves names (A records for http-01, TXT records for dns-01) with this DNS server, e.g. a
         * {@code io.keywarden.testing.dns.BindServer}'s {@code 127.0.0.1:<port>}, instead of a mock DNS.
         */
        public Builder dnsServer(String hostPort) {
            this.dnsServer = Objects.requireNonNull(hostPort, "hostPort");
            return this;
        }

        /** Any other Pebble environment knob, e.g. {@code PEBBLE_AUTHZREUSE=0}. */
        public Builder environment(String name, String value) {
            extraEnvironment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Generates TLS material and the config file, picks ports; does not start anything. */
        public PebbleHarness build() {
            if (eabRequired && eabKeys.isEmpty()) {
                throw new IllegalStateException("eabRequired(true) needs at least one eabKey(kid, hmac)");
            }
            return new PebbleHarness(this);
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            return port;
        }
    }
}
