package io.keywarden.monitor.internal.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.monitor.internal.report.StatusReport;

/**
 * Learning mode: records what sensors of each class run and whom they talk to during a period the operator declares
 * known-good, and proposes it as the classes' baseline. Nothing is enforced from it until the operator approves.
 */
public final class Learner {
    private final Map<String, Observed> byClass = new HashMap<>();
    private final Set<String> gatewayExecutables = new TreeSet<>();
    private final Set<String> gatewayListeners = new TreeSet<>();
    private final Set<String> gatewayBundles = new TreeSet<>();

    private static final class Observed {
        final Set<String> firmware = new HashSet<>();
        final Set<String> tasks = new HashSet<>();
        final Set<String> peers = new HashSet<>();
        int maxRate;
        final Map<String, Instant> lastReport = new HashMap<>();
        long shortestIntervalMillis = Long.MAX_VALUE;
    }

    public synchronized void report(String className, String deviceId, StatusReport report, Instant at) {
        Observed o = byClass.computeIfAbsent(className, c -> new Observed());
        o.firmware.add(report.firmware().sha256());
        report.tasks().forEach(t -> o.tasks.add(t.sha256()));
        report.peers().forEach(p -> o.peers.add(p.endpoint()));
        Instant last = o.lastReport.put(deviceId, at);
        if (last != null) {
            o.shortestIntervalMillis = Math.min(
                    o.shortestIntervalMillis, Duration.between(last, at).toMillis());
        }
    }

    /** What the gateway runs, listens on and has installed during the known-good period. */
    public synchronized void gateway(GatewaySnapshot snapshot) {
        snapshot.processes().stream().filter(p -> p.sha256() != null).forEach(p -> gatewayExecutables.add(p.sha256()));
        snapshot.sockets().stream()
                .filter(s ->
                        "LISTEN".equals(s.state()) || (s.protocol().startsWith("udp") && "UNCONN".equals(s.state())))
                .forEach(s -> gatewayListeners.add((s.protocol().startsWith("tcp") ? "tcp:" : "udp:") + s.localPort()));
        snapshot.bundles().stream().filter(b -> b.sha256() != null).forEach(b -> gatewayBundles.add(b.sha256()));
    }

    public synchronized GatewayBaseline gatewayProposal() {
        return new GatewayBaseline(gatewayExecutables, gatewayListeners, gatewayBundles);
    }

    public synchronized void rate(String className, int perSecond) {
        Observed o = byClass.computeIfAbsent(className, c -> new Observed());
        o.maxRate = Math.max(o.maxRate, perSecond);
    }

    /**
     * The proposed baseline: the current classes plus everything seen, the rate limit at twice the highest rate seen
     * (at least 5/s), the heartbeat at the longest of the configured one and the shortest interval seen.
     */
    public synchronized Map<String, DeviceClassPolicy> proposal(Policy current) {
        Map<String, DeviceClassPolicy> out = new LinkedHashMap<>();
        for (Map.Entry<String, Observed> e : byClass.entrySet()) {
            DeviceClassPolicy base = current.deviceClass(e.getKey())
                    .orElse(current.deviceClass(Policy.DEFAULT_CLASS).orElseThrow());
            base = new DeviceClassPolicy(
                    e.getKey(),
                    base.firmware(),
                    base.tasks(),
                    base.peers(),
                    base.maxRequestsPerSecond(),
                    base.heartbeat(),
                    base.missedHeartbeats());
            Observed o = e.getValue();
            Duration heartbeat = base.heartbeat();
            if (o.shortestIntervalMillis != Long.MAX_VALUE) {
                Duration seen = Duration.ofSeconds(Math.max(1, (o.shortestIntervalMillis + 999) / 1000));
                heartbeat = seen.compareTo(heartbeat) > 0 ? seen : heartbeat;
            }
            out.put(e.getKey(), base.plus(o.firmware, o.tasks, o.peers, Math.max(5, o.maxRate * 2), heartbeat));
        }
        return out;
    }

    public synchronized void clear() {
        byClass.clear();
        gatewayExecutables.clear();
        gatewayListeners.clear();
        gatewayBundles.clear();
    }
}
