package io.keywarden.demo;

import java.io.PrintStream;
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
        int authorities = 1;
        boolean postgresql = false;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).matches("\\d+")) {
                n = Args.intValue(args, i, 0, 1000);
            } else if (args.get(i).equals("--ca-parallel")) {
                caParallel = Args.intValue(args, ++i, 1, 64);
            } else if (args.get(i).equals("--authorities")) {
                authorities = Args.intValue(args, ++i, 1, 4);
            } else if (args.get(i).equals("--db")) {
                postgresql = database(Args.value(args, ++i));
            } else {
                throw new DemoException("demo-fleet: unknown argument " + args.get(i) + "\n" + Demo.USAGE, 2);
            }
        }
        Path runtimeJar = layout.requireRuntimeJar();
        out.printf(
                Locale.ROOT,
                "Keywarden demo-fleet: a gateway with %d sensors, another gateway and the fleet authority (%d "
                        + "instance%s on %s), each a runtime, one Pebble (real http-01), one Mosquitto for the fleet's "
                        + "messages and one cloud broker%n",
                n,
                authorities,
                authorities == 1 ? "" : "s",
                postgresql ? "one PostgreSQL" : "H2");
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
            if (caParallel > 0) {
                out.println("  each authority instance sends at most " + caParallel + " revocations at once "
                        + "(ca.parallel)");
            }
            try (FleetAuthorities auth = FleetAuthorities.configure(fleet, authorities, postgresql, caParallel);
                    HonestGateway other = HonestGateway.configure(fleet, "other-gateway");
                    FleetBrokerSession cloud = FleetBrokerSession.configure(fleet, GATEWAY, out)) {
                return enrollAndCompromise(new Nodes(fleet, auth, other), est, cloud, runtimeJar, n);
            }
        }
    }

    private static boolean database(String name) {
        return switch (name) {
            case "h2" -> false;
            case "postgresql" -> true;
            default -> throw new DemoException("demo-fleet: --db takes h2 or postgresql, not " + name, 2);
        };
    }

    /** The fleet's stage, its authority instances and the other gateway. */
    private record Nodes(FleetStage fleet, FleetAuthorities authorities, HonestGateway other) {}

    /**
     * Starts the runtimes; the gateway enrolls, then its sensors bootstrap over EST (codes from the gateway's
     * console); waits for the inventory and the escrow deposit at the authority, then revokes the gateway.
     */
    private int enrollAndCompromise(Nodes nodes, EstStage est, FleetBrokerSession cloud, Path runtimeJar, int n) {
        FleetStage fleet = nodes.fleet();
        try {
            Instant start = Instant.now();
            RuntimeProcess g = fleet.startGateway(runtimeJar);
            List<RuntimeProcess> a = nodes.authorities().start(runtimeJar);
            RuntimeProcess other = nodes.other().start(runtimeJar);
            out.println("  gateway      pid " + g.pid() + ", log " + fleet.gateway.runtimeLog + ", EST server "
                    + est.url());
            for (int i = 0; i < a.size(); i++) {
                AuthorityNode node = nodes.authorities().nodes().get(i);
                out.println("  " + node.name + (node.name.length() < 12 ? " ".repeat(13 - node.name.length()) : " ")
                        + "pid " + a.get(i).pid() + ", log " + node.log());
            }
            out.println("  other gateway pid " + other.pid() + ", log "
                    + nodes.other().log() + " (applies the fleet's notices)");
            out.println(
                    "  broker       " + fleet.broker.url() + " (fleet messages); cloud broker " + cloud.deviceUrl());
            Set<String> serials = enroll(fleet, est, g);
            Instant enrolled = Instant.now();
            await(
                    () -> nodes.authorities().storedSerials(GATEWAY).containsAll(serials)
                            && nodes.authorities().depositAccepted(GATEWAY),
                    "the gateway's inventory and escrow deposit at the authority",
                    a.get(0));
            await(nodes.other()::connected, "the other gateway connected to the fleet's broker", other);
            Instant known = Instant.now();
            out.printf(
                    Locale.ROOT,
                    "  enrolled     gateway, and %d sensors over EST (half by IDevID, half by code), %d ms after "
                            + "start; the authority holds their inventory and the escrow deposit %d ms later%n",
                    n,
                    ms(start, enrolled),
                    ms(enrolled, known));
            return compromise(nodes, cloud, serials);
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

    /** COMPROMISED_GATEWAY at the authority (the first instance's inbox); the timings. */
    private int compromise(Nodes nodes, FleetBrokerSession cloud, Set<String> serials) throws InterruptedException {
        FleetStage fleet = nodes.fleet();
        cloud.connectGateway();
        var watch = cloud.watch();
        CompromiseRun.Watch w = new CompromiseRun.Watch(
                nodes.authorities().nodes().get(0).inbox(), nodes.authorities()::ticketState, nodes.other()::denied);
        CompromiseOutcome o = CompromiseRun.run(fleet, GATEWAY, KEY_COMPROMISE, serials, 60_000, w);
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
        out.printf(
                Locale.ROOT,
                "  submit at the authority -> all denied at the other gateway (its deny list)   %d ms%n",
                o.submitToDeniedElsewhereMillis());
        if (o.pebbleCpuMillis() >= 0) {
            out.printf(
                    Locale.ROOT,
                    "  Pebble's CPU from the request until the authority settled the ticket  %d ms%n",
                    o.pebbleCpuMillis());
        }
        out.println("  certificates recorded as revoked, by authority instance: "
                + nodes.authorities().executionsByInstance());
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
