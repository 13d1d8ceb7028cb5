package io.keywarden.demo;

import java.io.PrintStream;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.keywarden.testing.sensors.EstSensor;

/**
 * How the benchmarks' sensors get their certificates, as in the field: each bootstraps over EST with its IDevID
 * (Bouncy Castle's client, its key only in this process), so it is a SENSOR record and nothing of it is read from the
 * gateway's data directory. {@link #configure} before the runtime starts, {@link #bootstrap} once it runs.
 */
final class EstBootstrap {
    private final EstStage est;
    private final List<String> ids;
    private final String gateway;
    private final String domain;

    private EstBootstrap(EstStage est, List<String> ids, String gateway, String domain) {
        this.est = est;
        this.ids = List.copyOf(ids);
        this.gateway = gateway;
        this.domain = domain;
    }

    /** The EST server and a device class with {@code ids} on its roster (IDevIDs of the simulated manufacturer). */
    static EstBootstrap configure(LocalStage stage, List<String> ids, String gateway, String domain) {
        return new EstBootstrap(EstStage.configure(stage, domain, ids, List.of()), ids, gateway, domain);
    }

    /** Waits for the gateway's certificate (the EST server presents it and starts with it). */
    void awaitGateway(LocalStage stage, RuntimeProcess runtime) {
        if (!stage.awaitCurrent(Set.of(gateway), 600_000, have -> {}).isEmpty()) {
            throw new DemoException("the gateway got no certificate within 600 s:\n" + runtime.tail(40));
        }
    }

    /**
     * Once {@link #awaitGateway}: waits for the EST server, then every sensor bootstraps (16 at once); returns them by
     * device id, in the order of {@code ids}.
     */
    Map<String, EstSensor> bootstrap(LocalStage stage, RuntimeProcess runtime, PrintStream out) {
        est.awaitListening(runtime, 60_000);
        long t0 = System.nanoTime();
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        Map<String, EstStage.Bootstrapped> got =
                est.bootstrap(ids, est.idevids(), Map.of(), roots.get(0), gateway, domain);
        out.printf(
                Locale.ROOT,
                "  %d sensors bootstrapped over EST with their IDevIDs in %.1f s%n",
                got.size(),
                (System.nanoTime() - t0) / 1e9);
        Map<String, EstSensor> sensors = new LinkedHashMap<>();
        got.forEach((id, b) -> sensors.put(id, b.sensor()));
        return sensors;
    }
}
