package io.keywarden.testing.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.pebble.Processes;

/**
 * A real Mosquitto 2 (Debian package {@code mosquitto}) set up as docs/servers.md tells users: a device listener with
 * mutual TLS ({@code require_certificate}, {@code use_identity_as_username}, the issuing CA as {@code cafile}), an
 * admin listener with TLS and passwords, the dynamic-security plugin initialised by {@code mosquitto_ctrl dynsec init},
 * persistence, and the broker log on {@code $SYS/broker/log/#}. Stops and starts on the same ports with its state.
 */
public final class SecureMosquitto implements AutoCloseable {
    private static final Path BINARY = Path.of(System.getProperty("keywarden.mosquitto", "/usr/sbin/mosquitto"));
    private static final Path CTRL = Path.of(System.getProperty("keywarden.mosquitto.ctrl", "/usr/bin/mosquitto_ctrl"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path workDir;
    private final int devicePort;
    private final int adminPort;
    private Process process;

    private SecureMosquitto(Path workDir) {
        this.workDir = workDir.toAbsolutePath();
        this.devicePort = FreePorts.find();
        this.adminPort = FreePorts.find();
    }

    /**
     * @param deviceCa      PEM file of the CA chain that issues device certificates
     * @param serverCert    PEM certificate of the broker (for 127.0.0.1 / localhost)
     * @param serverKey     its PEM key
     * @param adminPassword written into the dynamic-security file by {@code mosquitto_ctrl dynsec init} (test secret)
     */
    public static SecureMosquitto start(
            Path workDir, Path deviceCa, Path serverCert, Path serverKey, String adminUser, String adminPassword) {
        SecureMosquitto broker = new SecureMosquitto(workDir);
        try {
            Files.createDirectories(broker.workDir);
            Path dynsec = broker.workDir.resolve("dynamic-security.json");
            Process init = new ProcessBuilder(
                            CTRL.toString(), "dynsec", "init", dynsec.toString(), adminUser, adminPassword)
                    .redirectErrorStream(true)
                    .redirectOutput(broker.workDir.resolve("dynsec-init.log").toFile())
                    .start();
            if (!init.waitFor(10, TimeUnit.SECONDS) || init.exitValue() != 0) {
                throw new IllegalStateException("mosquitto_ctrl dynsec init failed: "
                        + Files.readString(broker.workDir.resolve("dynsec-init.log")));
            }
            Files.writeString(
                    broker.configFile(),
                    config(broker, deviceCa, serverCert, serverKey, dynsec),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Mosquitto in " + workDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        broker.start();
        return broker;
    }

    private static String config(SecureMosquitto b, Path ca, Path cert, Path key, Path dynsec) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return String.join(
                System.lineSeparator(),
                // as root Mosquitto would switch to the user mosquitto, who cannot read a test's files
                root ? "user root" : "",
                "per_listener_settings false",
                "allow_anonymous false",
                "persistence true",
                "persistence_location " + b.workDir + "/",
                "plugin " + dynsecPlugin(),
                "plugin_opt_config_file " + dynsec,
                "log_dest file " + b.logFile(),
                "log_dest topic",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "listener " + b.devicePort + " 127.0.0.1",
                "cafile " + ca.toAbsolutePath(),
                "certfile " + cert.toAbsolutePath(),
                "keyfile " + key.toAbsolutePath(),
                "require_certificate true",
                "use_identity_as_username true",
                "listener " + b.adminPort + " 127.0.0.1",
                "certfile " + cert.toAbsolutePath(),
                "keyfile " + key.toAbsolutePath(),
                "");
    }

    /** Debian installs the plugin under the multiarch library directory. */
    public static Path dynsecPlugin() {
        String configured = System.getProperty("keywarden.mosquitto.dynsec");
        if (configured != null) {
            return Path.of(configured);
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/usr/lib"), "*-linux-gnu*")) {
            for (Path d : dirs) {
                Path p = d.resolve("mosquitto_dynamic_security.so");
                if (Files.isReadable(p)) {
                    return p;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(
                "mosquitto_dynamic_security.so not found under /usr/lib/*-linux-gnu: install mosquitto");
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install Mosquitto with `apt-get install mosquitto`");
        }
        process = Processes.start(
                List.of(BINARY.toString(), "-c", configFile().toString()),
                Map.of(),
                workDir,
                workDir.resolve("mosquitto.out"));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(devicePort) || !accepts(adminPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Processes.tail(logFile(), 20) + Processes.tail(workDir.resolve("mosquitto.out"), 20);
                stop();
                throw new IllegalStateException(
                        "Mosquitto did not start on 127.0.0.1:" + devicePort + "/" + adminPort + "; log:\n" + log);
            }
            sleep(20);
        }
    }

    /** Stops the broker (dynamic security keeps its state in its file); {@link #start()} brings it back. */
    public synchronized void stop() {
        Processes.destroy(process);
        process = null;
    }

    /** Where devices connect with their certificates. */
    public String deviceUrl() {
        return "ssl://127.0.0.1:" + devicePort;
    }

    /** Where the dynamic-security admin connects with its password. */
    public String adminUrl() {
        return "ssl://127.0.0.1:" + adminPort;
    }

    public Path logFile() {
        return workDir.resolve("mosquitto.log");
    }

    public Path dynsecFile() {
        return workDir.resolve("dynamic-security.json");
    }

    @Override
    public void close() {
        stop();
    }

    private Path configFile() {
        return workDir.resolve("mosquitto.conf");
    }

    private static boolean accepts(int port) {
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
