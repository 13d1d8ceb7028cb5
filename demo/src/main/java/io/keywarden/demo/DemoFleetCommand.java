package io.keywarden.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * {@code demo-fleet [N]}: the two-node loop. A gateway with N sensors and the fleet authority run as two runtime
 * processes that share nothing but one Pebble and one Mosquitto. The sensors enroll at the gateway over EST (half with
 * an IDevID, half with a code from the gateway's console), each with its own key. The authority learns the gateway's certificates
 * and escrow deposit over MQTT, takes a COMPROMISED_GATEWAY request in its inbox, revokes everything at Pebble
 * with the escrowed account key and publishes a notice the gateway applies. Prints the timings.
 */
final class DemoFleetCommand {
    private static final String GATEWAY = "gateway.demo-fleet.keywarden.test";
    private static final String DOMAIN = ".demo-fleet.keywarden.test";
    private static final int KEY_COMPROMISE = 1;

    private final Layout layout;
    private final PrintStream out;

    DemoFleetCommand(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    int run(List<String> args) {
        int n = 10;
        int caParallel = 0;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).matches("\\d+")) {
                n = Args.intValue(args, i, 0, 1000);
            } else if (args.get(i).equals("--ca-parallel")) {
                caParallel = Args.intValue(args, ++i, 1, 64);
            } else {
                throw new DemoException("demo-fleet: unknown argument " + args.get(i) + "\n" + Demo.USAGE, 2);
            }
        }
        Path runtimeJar = layout.requireRuntimeJar();
        out.printf(
                Locale.ROOT,
                "Keywarden demo-fleet: a gateway with %d sensors and the fleet authority, two runtimes, "
                        + "one Pebble (real http-01), one Mosquitto for the fleet's messages and one cloud broker%n",
                n);
        // the cloud broker's admin connection logs each (re)connection; the demo prints what matters
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.keywarden",
                System.getProperty("org.slf4j.simpleLogger.log.io.keywarden", "warn"));
        try (FleetStage fleet = FleetStage.start(layout.demoDir())) {
            List<String> byIdevid = new ArrayList<>();
            List<String> byCode = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String id = String.format(Locale.ROOT, "sensor-%02d", i);
                (i % 2 == 1 ? byIdevid : byCode).add(id);
            }
            fleet.configureGateway(GATEWAY, List.of()); // the sensors enroll themselves over EST
            EstStage est = EstStage.configure(fleet.gateway, DOMAIN, byIdevid, byCode);
            fleet.configureAuthority(caParallel);
            if (caParallel > 0) {
                out.println("  the authority sends at most " + caParallel + " revocations at once (ca.parallel)");
            }
            try (FleetBrokerSession cloud = FleetBrokerSession.configure(fleet, GATEWAY, out)) {
                return enrollAndCompromise(fleet, est, cloud, runtimeJar, n);
            }
        }
    }

    /**
     * Starts both runtimes; the gateway enrolls, then its sensors bootstrap over EST (codes from the gateway's
     * console); waits for the inventory at the authority, then revokes the gateway.
     */
    private int enrollAndCompromise(FleetStage fleet, EstStage est, FleetBrokerSession cloud, Path runtimeJar, int n) {
        try {
            Instant start = Instant.now();
            RuntimeProcess g = fleet.startGateway(runtimeJar);
            RuntimeProcess a = fleet.startAuthority(runtimeJar);
            out.println("  gateway      pid " + g.pid() + ", log " + fleet.gateway.runtimeLog + ", EST server "
                    + est.url());
            out.println("  authority    pid " + a.pid() + ", log " + fleet.authorityLog());
            out.println(
                    "  broker       " + fleet.broker.url() + " (fleet messages); cloud broker " + cloud.deviceUrl());
            Set<String> serials = enroll(fleet, est, g);
            Instant enrolled = Instant.now();
            await(
                    () -> fleet.storedSerials(GATEWAY).containsAll(serials)
                            && Files.exists(fleet.authorityDeposits.resolve(GATEWAY + ".escrow.jwe")),
                    "the gateway's inventory and escrow deposit at the authority",
                    a);
            Instant known = Instant.now();
            out.printf(
                    Locale.ROOT,
                    "  enrolled     gateway, and %d sensors over EST (half by IDevID, half by code), %d ms after "
                            + "start; the authority holds their inventory and the escrow deposit %d ms later%n",
                    n,
                    ms(start, enrolled),
                    ms(enrolled, known));
            return compromise(fleet, cloud, serials);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /**
     * The gateway's certificate (its own record), then every sensor's over EST, each sensor with its own key. Returns
     * the serials: the gateway's and those the sensors hold.
     */
    private static Set<String> enroll(FleetStage fleet, EstStage est, RuntimeProcess g) {
        if (!fleet.gateway.awaitCurrent(Set.of(GATEWAY), 120_000, have -> {}).isEmpty()) {
            throw new DemoException("the gateway got no certificate:\n" + g.tail(40));
        }
        Set<String> serials = new TreeSet<>();
        serials.add(fleet.gateway.state().current().get(GATEWAY).serial());
        est.awaitListening(g, 30_000);
        Map<String, String> codes = est.codesFromOperator(g.console(), 1);
        est.bootstrap(
                        est.devices(),
                        est.idevids(),
                        codes,
                        fleet.gateway.pebble.rootCertificates().get(0),
                        GATEWAY,
                        DOMAIN)
                .values()
                .forEach(b -> serials.add(b.step().serialAfter()));
        return serials;
    }

    /** COMPROMISED_GATEWAY at the authority; the timings. */
    private int compromise(FleetStage fleet, FleetBrokerSession cloud, Set<String> serials)
            throws InterruptedException {
        cloud.connectGateway();
        var watch = cloud.watch();
        FleetStage.Outcome o = fleet.compromise(GATEWAY, KEY_COMPROMISE, serials, 60_000);
        out.println();
        out.printf(Locale.ROOT, "RESULT COMPROMISED_GATEWAY %s (%d certificates)%n", GATEWAY, serials.size());
        out.printf(
                Locale.ROOT,
                "  submit at the authority -> all Revoked at Pebble (Pebble's RevokedAt)  %d ms%n",
                o.submitToRevokedMillis());
        out.printf(
                Locale.ROOT,
                "  submit at the authority -> all denied at the gateway (its deny list)   %d ms%n",
                o.submitToDeniedMillis());
        if (o.pebbleCpuMillis() >= 0) {
            out.printf(
                    Locale.ROOT,
                    "  Pebble's CPU from the request until the authority settled the ticket  %d ms%n",
                    o.pebbleCpuMillis());
        }
        cloud.report(watch, o.submitted());
        return 0;
    }

    private static long ms(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    private static void await(BooleanSupplier condition, String what, RuntimeProcess rt) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (!rt.isAlive() || System.nanoTime() > deadline) {
                throw new DemoException("waiting for " + what + ": " + (rt.isAlive() ? "timed out" : "runtime exited")
                        + "\n" + rt.tail(40));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted");
            }
        }
    }
}
