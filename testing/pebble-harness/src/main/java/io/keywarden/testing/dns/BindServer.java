package io.keywarden.testing.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.keywarden.testing.pebble.Processes;

/**
 * A real BIND 9 ({@code named}, Debian package {@code bind9}) for tests: authoritative only, on a free TCP+UDP port of
 * 127.0.0.1, with its configuration, zones and journals in a throwaway directory. Zones take RFC 2136 updates signed
 * with the TSIG keys the builder generates, as far as each zone's {@code update-policy} allows.
 *
 * <pre>
 * BindServer bind = BindServer.builder(dir).key("gw-key")
 *         .zone("dns.example.test", List.of("gw A 127.0.0.1"), "grant gw-key. zonesub TXT;")
 *         .build().start();
 * </pre>
 */
public final class BindServer implements AutoCloseable {
    static final Path DEFAULT_BINARY = Path.of("/usr/sbin/named");
    private static final long START_TIMEOUT_MS = 20_000;
    public static final String ALGORITHM = "hmac-sha256";

    private final Path workDir;
    private final Path logFile;
    private final int port;
    private final Map<String, String> keys;
    private final boolean resolving;
    private volatile Process process;

    private BindServer(Builder b) {
        this.workDir = b.workDir;
        this.logFile = workDir.resolve("named.log");
        this.port = freeTcpAndUdpPort();
        this.keys = Map.copyOf(b.keys);
        this.resolving = b.resolving;
        try {
            Files.createDirectories(workDir);
            for (Zone z : b.zones) {
                Files.writeString(workDir.resolve(z.name + ".zone"), z.file(), StandardCharsets.US_ASCII);
            }
            Files.writeString(workDir.resolve("named.conf"), config(b.zones), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the BIND configuration in " + workDir, e);
        }
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    private String config(List<Zone> zones) {
        StringBuilder c = new StringBuilder();
        c.append("options {\n  directory \"")
                .append(workDir)
                .append("\";\n")
                .append("  pid-file \"")
                .append(workDir.resolve("named.pid"))
                .append("\";\n")
                .append("  session-keyfile \"")
                .append(workDir.resolve("session.key"))
                .append("\";\n")
                .append("  listen-on port ")
                .append(port)
                .append(" { 127.0.0.1; };\n")
                .append("  listen-on-v6 { none; };\n")
                .append(resolving ? "  recursion yes;\n  allow-recursion { 127.0.0.1; };\n" : "  recursion no;\n")
                .append("  dnssec-validation no;\n")
                .append("  allow-query { any; };\n  notify no;\n};\ncontrols { };\n");
        keys.forEach((name, secret) -> c.append("key \"")
                .append(name)
                .append("\" {\n  algorithm ")
                .append(ALGORITHM)
                .append(";\n  secret \"")
                .append(secret)
                .append("\";\n};\n"));
        for (Zone z : zones) {
            c.append("zone \"")
                    .append(z.name)
                    .append("\" {\n  type primary;\n  file \"")
                    .append(z.name)
                    .append(".zone\";\n");
            if (z.updatePolicy != null) {
                c.append("  update-policy { ").append(z.updatePolicy).append(" };\n");
            }
            c.append("};\n");
        }
        return c.toString();
    }

    /** Starts {@code named} in the foreground and waits (at most ~20 s) until it accepts TCP connections. */
    public synchronized BindServer start() {
        if (isRunning()) {
            return this;
        }
        Path binary = Path.of(System.getProperty("keywarden.bind.binary", DEFAULT_BINARY.toString()));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " not found: install BIND 9 with `apt-get install bind9`");
        }
        // -g: foreground, log to stderr; -4: IPv4 only; no -u: stays the user running the tests
        process = Processes.start(
                List.of(
                        binary.toString(),
                        "-g",
                        "-4",
                        "-c",
                        workDir.resolve("named.conf").toString()),
                Map.of(),
                workDir,
                logFile);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            Process p = process;
            if (!p.isAlive()) {
                process = null;
                throw new IllegalStateException("named exited with " + p.exitValue() + "; tail of " + logFile + ":\n"
                        + Processes.tail(logFile, 40));
            }
            if (canConnect(port) && Processes.tail(logFile, 200).contains("running")) {
                return this;
            }
            if (System.currentTimeMillis() > deadline) {
                close();
                throw new IllegalStateException("named not ready within " + START_TIMEOUT_MS + " ms; tail of " + logFile
                        + ":\n" + Processes.tail(logFile, 40));
            }
            sleep(50);
        }
    }

    /** The UDP and TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, e.g. for {@code pebble -dnsserver}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The base64 secret of a key the builder generated. */
    public String secret(String keyName) {
        return Objects.requireNonNull(keys.get(keyName), () -> "no key " + keyName);
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops {@code named}; idempotent. */
    @Override
    public synchronized void close() {
        Process p = process;
        process = null;
        Processes.destroy(p);
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeTcpAndUdpPort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                candidate = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
            }
            try (DatagramSocket udp =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate))) {
                return candidate;
            } catch (SocketException busy) {
                // UDP side taken, try another
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP on 127.0.0.1");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private record Zone(String name, List<String> records, String updatePolicy) {
        String file() {
            StringBuilder f = new StringBuilder("$TTL 60\n$ORIGIN ")
                    .append(name)
                    .append(".\n")
                    .append("@ IN SOA ns1 hostmaster 1 60 60 600 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\n");
            records.forEach(r -> f.append(r).append('\n'));
            return f.toString();
        }
    }

    /** Configures a {@link BindServer}. */
    public static final class Builder {
        private final Path workDir;
        private final Map<String, String> keys = new LinkedHashMap<>();
        private final List<Zone> zones = new ArrayList<>();
        private final SecureRandom random = new SecureRandom();
        private boolean resolving;

        private Builder(Path workDir) {
            this.workDir =
                    Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
        }

        /** A TSIG key ({@value #ALGORITHM}, 32 random bytes) named {@code name}. */
        public Builder key(String name) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            keys.put(name, Base64.getEncoder().encodeToString(secret));
            return this;
        }

        /**
         * A primary zone with an SOA, {@code ns1} at 127.0.0.1 and the given records (zone-file lines relative to the
         * zone, e.g. {@code "gw A 127.0.0.1"}).
         *
         * @param updatePolicy the body of {@code update-policy { ... }}, or null for a zone nobody may update
         */
        public Builder zone(String name, List<String> records, String updatePolicy) {
            zones.add(new Zone(name, List.copyOf(records), updatePolicy));
            return this;
        }

        /**
         * Also answers recursive queries from 127.0.0.1, as the server given to {@code pebble -dnsserver} must: an
         * authoritative-only BIND answers a name whose CNAME points into another of its zones with the CNAME alone,
         * while a resolver (and so a CA) follows it to the record. Only names in its own zones are ever asked here.
         */
        public Builder resolving() {
            this.resolving = true;
            return this;
        }

        public BindServer build() {
            return new BindServer(this);
        }
    }
}
