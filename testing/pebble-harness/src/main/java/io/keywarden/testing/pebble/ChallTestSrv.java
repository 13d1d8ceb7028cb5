package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A running {@code pebble-challtestsrv} used only as mock DNS server: every name resolves to 127.0.0.1 (no AAAA),
 * its HTTP-01/HTTPS-01/TLS-ALPN-01 responders are disabled. One instance can serve several Pebbles
 * ({@link PebbleHarness.Builder#sharedDns(ChallTestSrv)}).
 */
public final class ChallTestSrv implements AutoCloseable {

    static final Path DEFAULT_BINARY = Path.of("/usr/bin/pebble-challtestsrv");
    private static final long START_TIMEOUT_MS = 20_000;

    private final Path workDir;
    private final Path logFile;
    private final int dnsPort;
    private final int managementPort;
    private volatile Process process;

    private ChallTestSrv(Path workDir, int dnsPort, int managementPort) {
        this.workDir = workDir;
        this.logFile = workDir.resolve("challtestsrv.log");
        this.dnsPort = dnsPort;
        this.managementPort = managementPort;
    }

    /** Starts a mock DNS server on free ports; its log goes to {@code workDir/challtestsrv.log}. */
    public static ChallTestSrv start(Path workDir) {
        Path binary = Path.of(System.getProperty("keywarden.pebble.challtestsrv", DEFAULT_BINARY.toString()));
        Processes.requireExecutable(binary);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path dir = workDir.toAbsolutePath();
        ChallTestSrv srv = new ChallTestSrv(dir, FreePorts.findTcpAndUdp(), FreePorts.find());
        srv.launch(binary);
        return srv;
    }

    private void launch(Path binary) {
        List<String> cmd = List.of(
                binary.toString(),
                "-defaultIPv4",
                "127.0.0.1",
                "-defaultIPv6",
                "",
                "-http01",
                "",
                "-https01",
                "",
                "-tlsalpn01",
                "",
                "-dns01",
                "127.0.0.1:" + dnsPort,
                "-management",
                "127.0.0.1:" + managementPort);
        process = Processes.start(cmd, Map.of(), workDir, logFile);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            if (!process.isAlive()) {
                String tail = Processes.tail(logFile, 30);
                Processes.destroy(process);
                throw new IllegalStateException("pebble-challtestsrv exited with " + process.exitValue() + "; tail of "
                        + logFile + ":\n" + tail);
            }
            // the DNS TCP listener and the management listener are up once both accept connections
            if (canConnect(dnsPort) && canConnect(managementPort)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                String tail = Processes.tail(logFile, 30);
                Processes.destroy(process);
                throw new IllegalStateException("pebble-challtestsrv not ready within " + START_TIMEOUT_MS
                        + " ms; tail of " + logFile + ":\n" + tail);
            }
            sleep(50);
        }
    }

    static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** UDP and TCP port of the mock DNS server on 127.0.0.1 (pass to {@code pebble -dnsserver}). */
    public int dnsPort() {
        return dnsPort;
    }

    /** Plain-HTTP management port of challtestsrv on 127.0.0.1. */
    public int managementPort() {
        return managementPort;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    /** Stops the server and its descendants. Idempotent. */
    @Override
    public void close() {
        Process p = process;
        process = null;
        Processes.destroy(p);
    }
}
