package io.keywarden.demo.servers;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * What the devices of {@link SensorServers} experience: readings that arrive (at the cloud subscriber through
 * Mosquitto, and at the collector), and, for a contained device, when the broker ended its session, when the
 * collector first refused its handshake, and whether a reconnect with the same certificate gets anything through.
 */
public final class ServerChecks {
    /** Times are System.nanoTime() values, 0 when it did not happen within the timeout. */
    public record Contained(long sessionClosedNanos, long collectorRefusedNanos, boolean reconnectRefused) {}

    private final SensorServers servers;

    public ServerChecks(SensorServers servers) {
        this.servers = servers;
    }

    /**
     * Every connected device publishes one reading (QoS 0) and, when there is a collector, posts one to it; returns
     * how many arrived (the broker drops QoS 0 publishes silently, so arrival is counted at the cloud subscriber).
     */
    public int round(String label) throws InterruptedException {
        int ok = 0;
        Map<String, Integer> expected = new HashMap<>();
        for (String id : servers.connected()) {
            int seen = servers.deliveredFrom(id);
            try {
                servers.session(id).publish("readings/" + servers.identity(id), SensorServers.utf8(label + " 21.5C"));
                expected.put(id, seen + 1);
            } catch (MqttException e) {
                // not delivered: counted as missing
            }
            if (servers.collector() != null
                    && Collector.send(servers.tls(id), servers.collector().port(), label) == 200) {
                ok++;
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && !arrived(expected)) {
            Thread.sleep(10);
        }
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            if (servers.deliveredFrom(e.getKey()) >= e.getValue()) {
                ok++;
            }
        }
        return ok;
    }

    /** How many readings one {@link #round} should count when everything works. */
    public int expectedPerRound() {
        return servers.connected().size() * (servers.collector() == null ? 1 : 2);
    }

    private boolean arrived(Map<String, Integer> expected) {
        return expected.entrySet().stream().allMatch(e -> servers.deliveredFrom(e.getKey()) >= e.getValue());
    }

    /**
     * Waits (from now, up to {@code timeoutMillis}) until the broker has ended the device's session and, when there
     * is a collector, until the collector refuses its handshake; then reconnects with the same certificate.
     */
    public Contained awaitContained(String deviceId, long timeoutMillis) throws InterruptedException {
        DeviceSession session = servers.session(deviceId);
        long start = System.nanoTime();
        long refused = servers.collector() == null ? 0 : awaitRefused(servers.tls(deviceId), start, timeoutMillis);
        long left = Math.max(1, timeoutMillis - (System.nanoTime() - start) / 1_000_000L);
        long closed = session.awaitLost(left) ? session.lostAtNanos() : 0;
        boolean reconnectRefused = closed != 0 && reconnectRefused(deviceId);
        servers.forget(deviceId);
        return new Contained(closed, refused, reconnectRefused);
    }

    /** When the collector first refused a new handshake of the device, 0 if not within the timeout. */
    private long awaitRefused(SSLContext tls, long since, long timeoutMillis) throws InterruptedException {
        while (System.nanoTime() - since < timeoutMillis * 1_000_000L) {
            if (Collector.send(tls, servers.collector().port(), "after containment") == -1) {
                return System.nanoTime();
            }
            Thread.sleep(2);
        }
        return 0;
    }

    /**
     * Reconnects with the same certificate and publishes: refused if the broker refuses the connection, or ends the
     * session with nothing delivered (Mosquitto 2.0 lets a disabled certificate identity connect; its deny-all role
     * and the authority's watch keep it out, docs/servers.md).
     */
    private boolean reconnectRefused(String deviceId) throws InterruptedException {
        int delivered = servers.deliveredFrom(deviceId);
        int logLine = brokerLogLines();
        DeviceSession again;
        try {
            // the authority ends such a session milliseconds after the CONNECT; when that comes before Paho has taken
            // the CONNACK, Paho only reports a timeout: the broker's log says whether the broker ended it
            again = DeviceSession.connect(
                    servers.deviceUrl(), servers.identity(deviceId), servers.tls(deviceId), 1_500);
        } catch (MqttException refusedAtConnect) {
            return endedByBroker(servers.identity(deviceId), logLine);
        }
        try (again) {
            try {
                again.publish("readings/" + servers.identity(deviceId), SensorServers.utf8("after reconnect"));
            } catch (MqttException closedAlready) {
                // the broker ended the session before the publish
            }
            boolean ended = again.awaitLost(5_000);
            Thread.sleep(300); // a reading that got through would have reached the cloud subscriber by now
            return ended && servers.deliveredFrom(deviceId) == delivered;
        }
    }

    private int brokerLogLines() {
        try {
            return servers.brokerLogLines();
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The broker's log says it ended the reconnect (or it never got in); polled for up to 2 s (log lines lag). */
    private boolean endedByBroker(String identity, int logLine) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        do {
            try {
                if (servers.lastSessionEnded(identity, logLine)) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return false;
    }
}
