package io.keywarden.monitor.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.monitor.internal.observe.BundleCollector;
import io.keywarden.monitor.internal.observe.Hashes;
import io.keywarden.monitor.internal.observe.ProcessCollector;
import io.keywarden.monitor.internal.observe.SocketCollector;
import io.keywarden.monitor.internal.policy.Finding;
import io.keywarden.monitor.internal.policy.Learner;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.response.Containment;

/**
 * The gateway watching itself: collects its processes, sockets and bundles, and on each scheduled scan holds them
 * against the gateway baseline (alerts only) or, in learning mode, records them.
 */
final class GatewayWatch {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayWatch.class);

    private final String gatewayId;
    private final BundleContext context;
    private final Supplier<Policy> policy;
    private final Learner learner;
    private final boolean learning;
    private final Containment containment;
    private final Clock clock;
    private final Hashes hashes = new Hashes();
    private final Path proc = Path.of("/proc");

    GatewayWatch(
            String gatewayId,
            BundleContext context,
            Supplier<Policy> policy,
            Learner learner,
            boolean learning,
            Containment containment,
            Clock clock) {
        this.gatewayId = gatewayId;
        this.context = context;
        this.policy = policy;
        this.learner = learner;
        this.learning = learning;
        this.containment = containment;
        this.clock = clock;
    }

    GatewaySnapshot collect() {
        return new GatewaySnapshot(
                clock.instant(),
                new ProcessCollector(proc, hashes).collect(),
                new SocketCollector(proc).collect(),
                new BundleCollector(context, hashes).collect());
    }

    /** One scheduled scan; never throws (a failed scan must not end the schedule). */
    void scan() {
        try {
            Policy p = policy.get();
            if (!learning && p.gateway().isEmpty()) {
                return;
            }
            GatewaySnapshot snapshot = collect();
            if (learning) {
                learner.gateway(snapshot);
                return;
            }
            for (Finding f : p.gateway().evaluate(snapshot)) {
                containment.respond(gatewayId, null, f, p.actionFor(f.rule()), snapshot.takenAt());
            }
        } catch (RuntimeException e) {
            LOG.warn("Gateway scan failed: {}", e.toString(), e);
        }
    }
}
