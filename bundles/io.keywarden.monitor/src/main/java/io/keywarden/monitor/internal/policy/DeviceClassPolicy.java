package io.keywarden.monitor.internal.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The baseline of one device class. An empty allowed set leaves that aspect unchecked (a class nobody has described
 * or learned yet); a rate of 0 disables the rate rule.
 *
 * @param name class name
 * @param firmware allowed firmware SHA-256 values
 * @param tasks allowed task SHA-256 values
 * @param peers allowed peers as {@code host:port} or {@code host:*}
 * @param maxRequestsPerSecond requests per second the gateway accepts before the rate rule fires
 * @param heartbeat the interval sensors of this class report at
 * @param missedHeartbeats how many intervals may pass without a report before the silence rule fires
 */
public record DeviceClassPolicy(
        String name,
        Set<String> firmware,
        Set<String> tasks,
        Set<String> peers,
        int maxRequestsPerSecond,
        Duration heartbeat,
        int missedHeartbeats) {

    public DeviceClassPolicy {
        requireNonNull(name, "name");
        firmware = Set.copyOf(firmware);
        tasks = Set.copyOf(tasks);
        peers = Set.copyOf(peers);
        requireNonNull(heartbeat, "heartbeat");
        if (maxRequestsPerSecond < 0 || heartbeat.isNegative() || heartbeat.isZero() || missedHeartbeats < 1) {
            throw new IllegalArgumentException("class " + name + ": rate must be >= 0, heartbeat > 0, missed >= 1");
        }
    }

    public boolean allowsPeer(String host, int port) {
        return peers.contains(host + ":" + port) || peers.contains(host + ":*");
    }

    /** The same baseline with these hashes and peers added (learning). */
    public DeviceClassPolicy plus(
            Set<String> moreFirmware,
            Set<String> moreTasks,
            Set<String> morePeers,
            int rate,
            Duration observedHeartbeat) {
        Set<String> f = new TreeSet<>(firmware);
        f.addAll(moreFirmware);
        Set<String> t = new TreeSet<>(tasks);
        t.addAll(moreTasks);
        Set<String> p = new TreeSet<>(peers);
        p.addAll(morePeers);
        return new DeviceClassPolicy(
                name, f, t, p, Math.max(maxRequestsPerSecond, rate), observedHeartbeat, missedHeartbeats);
    }
}
