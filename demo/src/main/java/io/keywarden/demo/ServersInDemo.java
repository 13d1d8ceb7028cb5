package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.keywarden.demo.servers.SensorServers;
import io.keywarden.demo.servers.ServerChecks;

/**
 * The servers' part of {@code ./keywarden demo}: the sensors' readings go to a real Mosquitto over mutual TLS (with
 * the certificates they got from Pebble through the gateway) and to an HTTPS collector built on the relying-party
 * library. The runtime itself does the containment: its broker bundle disables the identity at Mosquitto for every
 * revocation it accepts, and its fleet component publishes the signed notice the collector verifies.
 */
final class ServersInDemo implements AutoCloseable {
    static final String BROKER_PID = "io.keywarden.broker.mosquitto";
    private static final String FLEET_PID = "io.keywarden.fleet";
    private static final String FLEET = "demo";
    private static final String NOTICE_SIGNER = "demo-authority";

    private final SensorServers servers;
    private final ServerChecks checks;
    private final KeyPair noticeKey;
    private final PrintStream out;

    private ServersInDemo(SensorServers servers, KeyPair noticeKey, PrintStream out) {
        this.servers = servers;
        this.checks = new ServerChecks(servers);
        this.noticeKey = noticeKey;
        this.out = out;
    }

    /**
     * Starts Mosquitto with the broker identities provisioned and writes the runtime's broker-containment and
     * notice-publisher configuration into {@code stage.etc} (before the runtime starts).
     */
    static ServersInDemo configure(LocalStage stage, Collection<String> brokerIdentities, PrintStream out) {
        Path work = stage.workDir.resolve("servers");
        try {
            String deviceCa = stage.pebble.intermediateCertificatePem() + stage.pebble.rootCertificatePem();
            SensorServers servers =
                    SensorServers.start(work, deviceCa, stage.pebble.rootCertificates(), brokerIdentities);
            KeyPair key = FleetStage.ecKeyPair();
            ServersInDemo s = new ServersInDemo(servers, key, out);
            out.println("  servers      Mosquitto " + servers.deviceUrl() + " (devices: mutual TLS, dynamic security), "
                    + "HTTPS collector (relying-party library)");
            ConfigFiles.write(
                    stage.etc.resolve(BROKER_PID + ".cfg"),
                    servers.brokerContainmentConfig(stage.workDir.resolve("broker-containment")),
                    "Keywarden broker containment at the demo's Mosquitto");
            Map<String, String> f = new LinkedHashMap<>(servers.noticePublisherMqtt());
            f.put("fleet.id", FLEET);
            f.put("authority.id", NOTICE_SIGNER);
            f.put("notices.apply", "false");
            f.put("notices.publish", "true");
            f.put(
                    "authority.signing.key.file",
                    writePrivateKey(work.resolve("notice-signing-key.pem"), key).toString());
            f.put("data.dir", stage.workDir.resolve("fleet").toAbsolutePath().toString());
            ConfigFiles.write(
                    stage.etc.resolve(FLEET_PID + ".cfg"), f, "Keywarden fleet notices for the demo's servers");
            return s;
        } catch (DemoException e) {
            throw e;
        } catch (Exception e) {
            throw new DemoException("the demo's servers (Mosquitto, collector) did not start: " + e);
        }
    }

    private static Path writePrivateKey(Path file, KeyPair key) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                file, RevocationStage.pem("PRIVATE KEY", key.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return file.toAbsolutePath();
    }

    /** Connects every sensor to Mosquitto with its key and Pebble-issued chain, starts the collector and the reader. */
    void connect(Map<String, KeyPair> keys, Map<String, List<X509Certificate>> chains) {
        try {
            servers.startCloudReader();
            servers.startCollector(FLEET, noticeKey.getPublic(), NOTICE_SIGNER);
            Map<String, SensorServers.Device> devices = new LinkedHashMap<>();
            keys.forEach((id, key) -> devices.put(
                    id,
                    new SensorServers.Device(
                            Crypto.dnsNames(chains.get(id).get(0)).get(0), key, chains.get(id))));
            servers.connectAll(devices);
        } catch (Exception e) {
            throw new DemoException("the sensors could not connect to the demo's servers: " + e);
        }
    }

    /** How many of one round's readings arrived. */
    record Round(String when, int arrived, int expected) {
        boolean ok() {
            return arrived == expected;
        }
    }

    /** One reading per connected sensor to Mosquitto and to the collector. */
    Round round(String when) throws InterruptedException {
        int expected = checks.expectedPerRound();
        return new Round(when, checks.round(when), expected);
    }

    void print(Round r) {
        out.printf(
                Locale.ROOT,
                "  %d of %d readings arrived %s (Mosquitto %s over mutual TLS, and the HTTPS collector)%n",
                r.arrived(),
                r.expected(),
                r.when(),
                servers.deviceUrl());
    }

    /** What the servers did to the contained device. */
    record Contained(ServerChecks.Contained times) {}

    /**
     * Starts watching, on its own thread, until the broker and the collector keep the device out (up to 10 s) and
     * then tries a reconnect; runs while the caller watches the CA.
     */
    Future<Contained> watch(String deviceId) {
        FutureTask<Contained> task = new FutureTask<>(() -> new Contained(checks.awaitContained(deviceId, 10_000)));
        Thread t = new Thread(task, "demo-servers-watch");
        t.setDaemon(true);
        t.start();
        return task;
    }

    static Contained await(Future<Contained> watch) throws InterruptedException {
        try {
            return watch.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new DemoException("watching the servers failed: " + e);
        }
    }

    /** Prints what the servers did, with times from the malicious act; true if the device is out of both. */
    boolean print(Contained contained, String deviceId, long actStartedNanos) {
        ServerChecks.Contained c = contained.times();
        out.printf(
                Locale.ROOT,
                "  malicious report -> its MQTT session closed by Mosquitto: %s%n",
                since(c.sessionClosedNanos(), actStartedNanos, "NOT CLOSED"));
        out.printf(
                Locale.ROOT,
                "  malicious report -> refused by the HTTPS collector:    %s%n",
                since(c.collectorRefusedNanos(), actStartedNanos, "NOT REFUSED")
                        + (c.collectorRefusedNanos() == 0 ? "" : " (TLS handshake refused)"));
        out.printf(
                Locale.ROOT,
                "  %s reconnects to Mosquitto with the same certificate: %s%n",
                deviceId,
                c.reconnectRefused() ? "session ended by the broker, nothing it sent was delivered" : "NOT REFUSED");
        return c.sessionClosedNanos() != 0 && c.collectorRefusedNanos() != 0 && c.reconnectRefused();
    }

    Path brokerLog() {
        return servers.brokerLog();
    }

    private static String since(long nanos, long from, String otherwise) {
        return nanos == 0 ? otherwise : String.format(Locale.ROOT, "%.1f ms", (nanos - from) / 1e6);
    }

    @Override
    public void close() {
        servers.close();
    }
}
