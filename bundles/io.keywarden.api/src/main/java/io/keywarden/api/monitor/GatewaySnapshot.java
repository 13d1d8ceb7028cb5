package io.keywarden.api.monitor;

import java.time.Instant;
import java.util.List;

/**
 * What the gateway runs and whom it talks to, as collected at one instant.
 *
 * @param takenAt when collection started
 * @param processes processes from /proc
 * @param sockets TCP and UDP sockets from /proc/net
 * @param bundles OSGi bundles of this framework
 */
public record GatewaySnapshot(
        Instant takenAt, List<ProcessInfo> processes, List<SocketInfo> sockets, List<BundleInfo> bundles) {

    public GatewaySnapshot {
        processes = List.copyOf(processes);
        sockets = List.copyOf(sockets);
        bundles = List.copyOf(bundles);
    }
}
