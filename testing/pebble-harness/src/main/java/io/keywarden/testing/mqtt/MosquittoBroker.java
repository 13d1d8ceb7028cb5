package io.keywarden.testing.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.pebble.Processes;

/**
 * A real Mosquitto broker (Debian package {@code mosquitto}) on a free loopback port, anonymous, without
 * persistence. It can be stopped and started again on the same port to simulate a broker outage.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final Path BINARY = Path.of(System.getProperty("keywarden.mosquitto", "/usr/sbin/mosquitto"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path workDir;
    private final int port;
    private Process process;

    private MosquittoBroker(Path workDir, int port) {
        this.workDir = workDir;
        this.port = port;
    }

    /** Starts a broker whose config, log and pid live in {@code workDir}. */
    public static MosquittoBroker start(Path workDir) {
        MosquittoBroker broker = new MosquittoBroker(workDir.toAbsolutePath(), FreePorts.find());
        broker.start();
        return broker;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install Mosquitto with `apt-get install mosquitto`");
        }
        try {
            Files.createDirectories(workDir);
            Files.writeString(
                    configFile(),
                    String.join(
                            System.lineSeparator(),
                            "listener " + port + " 127.0.0.1",
                            "allow_anonymous true",
                            "persistence false",
                            "log_dest stdout",
                            "log_type error",
                            "log_type warning",
                            "log_type notice",
                            ""),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Mosquitto configuration in " + workDir, e);
        }
        process = Processes.start(
                List.of(BINARY.toString(), "-c", configFile().toString()), Map.of(), workDir, logFile());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Processes.tail(logFile(), 20);
                stop();
                throw new IllegalStateException(
                        "Mosquitto did not start listening on 127.0.0.1:" + port + "; log:\n" + log);
            }
            sleep(20);
        }
    }

    /** Stops the broker; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        Processes.destroy(process);
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    /** The broker's address as Paho expects it. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public Path logFile() {
        return workDir.resolve("mosquitto.log");
    }

    @Override
    public void close() {
        stop();
    }

    private Path configFile() {
        return workDir.resolve("mosquitto.conf");
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Mosquitto", e);
        }
    }
}
