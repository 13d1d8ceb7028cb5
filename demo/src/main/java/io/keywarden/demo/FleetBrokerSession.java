package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
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
import io.keywarden.testing.sensors.SensorKeys;

/**
 * The cloud broker of {@code demo-fleet}: a real Mosquitto (mutual TLS, dynamic security) where the gateway holds an
 * MQTT session with the certificate it got from Pebble. The fleet authority's runtime holds the dynamic-security admin
 * identity (its broker containment, PID io.keywarden.broker.mosquitto); when it accepts the COMPROMISED_GATEWAY
 * request it disables the gateway's identity, which ends the session and keeps a reconnect out.
 */
final class FleetBrokerSession implements AutoCloseable {
    private final FleetStage fleet;
    private final String gatewayId;
    private final SensorServers servers;
    private final ServerChecks checks;
    private final PrintStream out;

    private FleetBrokerSession(FleetStage fleet, String gatewayId, SensorServers servers, PrintStream out) {
        this.fleet = fleet;
        this.gatewayId = gatewayId;
        this.servers = servers;
        this.checks = new ServerChecks(servers);
        this.out = out;
    }

    /** Starts Mosquitto with the gateway's identity provisioned; writes the authority's broker containment .cfg. */
    static FleetBrokerSession configure(FleetStage fleet, String gatewayId, PrintStream out) {
        try {
            String deviceCa =
                    fleet.gateway.pebble.intermediateCertificatePem() + fleet.gateway.pebble.rootCertificatePem();
            SensorServers servers = SensorServers.start(
                    fleet.work.resolve("cloud-broker"),
                    deviceCa,
                    fleet.gateway.pebble.rootCertificates(),
                    List.of(gatewayId));
            ConfigFiles.write(
                    fleet.authorityEtc.resolve(ServersInDemo.BROKER_PID + ".cfg"),
                    servers.brokerContainmentConfig(fleet.authorityWork.resolve("broker-containment")),
                    "Keywarden broker containment at the cloud broker (the authority is its dynamic-security admin)");
            return new FleetBrokerSession(fleet, gatewayId, servers, out);
        } catch (Exception e) {
            throw new DemoException("the cloud broker (Mosquitto with dynamic security) did not start: " + e);
        }
    }

    String deviceUrl() {
        return servers.deviceUrl();
    }

    /** The gateway connects with its key and the chain Pebble issued it, and publishes one reading. */
    void connectGateway() throws InterruptedException {
        StateDir.Cert cert = fleet.gateway.state().current().get(gatewayId);
        try {
            var key = SensorKeys.fromPem(Files.readString(
                    fleet.gateway.dataDir.resolve("devices").resolve(gatewayId).resolve("key.pem"),
                    StandardCharsets.US_ASCII));
            servers.startCloudReader();
            servers.connectAll(Map.of(
                    gatewayId,
                    new SensorServers.Device(cert.identifiers().get(0), key, Crypto.readChain(cert.chainFile()))));
        } catch (IOException e) {
            throw new DemoException("cannot read the gateway's key: " + e);
        } catch (Exception e) {
            throw new DemoException("the gateway could not connect to the cloud broker: " + e);
        }
        int arrived = checks.round("gateway reading");
        out.printf(
                Locale.ROOT,
                "  cloud broker %s: the gateway's session (mutual TLS, identity %s): %s%n",
                servers.deviceUrl(),
                cert.identifiers().get(0),
                arrived == 1 ? "its reading arrived" : "NOTHING ARRIVED");
        if (arrived != 1) {
            throw new DemoException(
                    "the gateway's reading did not arrive through the cloud broker (log " + servers.brokerLog() + ")");
        }
    }

    /** Watches, on its own thread, until the broker ends the gateway's session, then tries a reconnect. */
    Future<ServerChecks.Contained> watch() {
        FutureTask<ServerChecks.Contained> task = new FutureTask<>(() -> checks.awaitContained(gatewayId, 60_000));
        Thread t = new Thread(task, "demo-fleet-broker-watch");
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** Prints the broker's part of the containment, times from the submit at the authority; fails if it did not hold. */
    void report(Future<ServerChecks.Contained> watch, Instant submitted) throws InterruptedException {
        ServerChecks.Contained c;
        try {
            c = watch.get(70, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new DemoException("watching the cloud broker failed: " + e);
        }
        String closed = "NOT CLOSED";
        if (c.sessionClosedNanos() != 0) {
            Instant at = Instant.now().minusNanos(System.nanoTime() - c.sessionClosedNanos());
            closed = Duration.between(submitted, at).toMillis() + " ms";
        }
        out.printf(
                Locale.ROOT,
                "  submit at the authority -> the gateway's MQTT session closed by Mosquitto  %s%n",
                closed);
        out.printf(
                Locale.ROOT,
                "  the gateway reconnects to Mosquitto with the same certificate: %s%n",
                c.reconnectRefused() ? "session ended by the broker, nothing it sent was delivered" : "NOT REFUSED");
        if (c.sessionClosedNanos() == 0 || !c.reconnectRefused()) {
            throw new DemoException("the compromised gateway was not kept out of the cloud broker (log "
                    + servers.brokerLog() + ", authority log " + fleet.authorityLog() + ")");
        }
    }

    @Override
    public void close() {
        servers.close();
    }
}
