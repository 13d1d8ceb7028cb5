package io.keywarden.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * {@link JettyFloor} in its own JVM, on the runtime's JVM flags: a server certificate for 127.0.0.1 from a CA made
 * here, the sensors' CAs as its trust store, started and stopped by {@code bench-channel --jetty-floor}.
 */
final class JettyFloorProcess implements AutoCloseable {
    private static final String PASSWORD = "bench-floor";

    private final Process process;
    private final int port;
    private final X509Certificate ca;

    private JettyFloorProcess(Process process, int port, X509Certificate ca) {
        this.process = process;
        this.port = port;
        this.ca = ca;
    }

    /** Starts the floor server and waits until it accepts connections (at most 60 s). */
    static JettyFloorProcess start(Path work, List<X509Certificate> sensorCas, int threads, String jvmArgs) {
        try {
            TestCa ca = TestCa.root("Keywarden bench-channel floor CA");
            Issued server = ca.leaf("127.0.0.1").ipAddresses("127.0.0.1").issue();
            Path dir = Files.createDirectories(work.resolve("jetty-floor"));
            Path keys = dir.resolve("server.p12");
            Path trust = dir.resolve("trust.p12");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(
                    "server",
                    server.key().getPrivate(),
                    PASSWORD.toCharArray(),
                    server.chain().toArray(new Certificate[0]));
            store(ks, keys);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < sensorCas.size(); i++) {
                ts.setCertificateEntry("ca-" + i, sensorCas.get(i));
            }
            store(ts, trust);
            int port = FreePorts.find();
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            for (String a : jvmArgs.trim().split("\\s+")) {
                if (!a.isEmpty()) {
                    cmd.add(a);
                }
            }
            cmd.add("-cp");
            cmd.add(Path.of(JettyFloor.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
            cmd.add(JettyFloor.class.getName());
            cmd.add(Integer.toString(port));
            cmd.add(keys.toString());
            cmd.add(PASSWORD);
            cmd.add(trust.toString());
            cmd.add(Integer.toString(threads));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("floor.log").toFile())
                    .start();
            JettyFloorProcess floor = new JettyFloorProcess(p, port, ca.certificate());
            floor.awaitListening(60_000);
            return floor;
        } catch (IOException | GeneralSecurityException | URISyntaxException e) {
            throw new DemoException("cannot start the Jetty floor server: " + e);
        }
    }

    private static void store(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
    }

    private void awaitListening(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new DemoException("the Jetty floor server exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DemoException("interrupted");
                }
            }
        }
        throw new DemoException("the Jetty floor server did not listen within " + millis + " ms");
    }

    long pid() {
        return process.pid();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The same sensors (keys and chains), well-behaved, talking to the floor server and trusting its CA. */
    List<SimulatedSensor> sameSensors(List<SimulatedSensor> sensors) {
        List<SimulatedSensor> out = new ArrayList<>(sensors.size());
        for (SimulatedSensor s : sensors) {
            out.add(new SimulatedSensor(
                    s.deviceId(), s.key(), s.chain(), Profile.WELL_BEHAVED, address(), List.of(ca)));
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
