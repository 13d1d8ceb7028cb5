package io.keywarden.demo;

import java.io.PrintStream;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;

import io.keywarden.testing.sensors.Profile;
import io.keywarden.testing.sensors.SensorFleet;
import io.keywarden.testing.sensors.SimulatedSensor;

/**
 * The second half of {@code demo}: the enrolled sensors report to the gateway's monitor over mutual TLS, one of them
 * turns malicious (its firmware is replaced), and the demo shows the incident, how long until its next request is
 * refused, and its certificate Revoked at Pebble while the others stay Valid and keep working.
 */
final class ContainmentDemo {
    static final String MALICIOUS = "sensor-7";

    private final LocalStage stage;
    private final ContainmentStage contain;
    private final ServersInDemo servers;
    private final PrintStream out;

    ContainmentDemo(LocalStage stage, ContainmentStage contain, ServersInDemo servers, PrintStream out) {
        this.stage = stage;
        this.contain = contain;
        this.servers = servers;
        this.out = out;
    }

    /** The sensors report with the key and certificate chain each holds ({@code chains}: leaf first). */
    void run(Map<String, KeyPair> keys, Map<String, List<X509Certificate>> chains) throws InterruptedException {
        contain.awaitReady(60_000);
        out.println("Monitoring: the sensors report to the gateway's channel (mutual TLS, https://127.0.0.1:"
                + contain.channelPort + "), the monitor is revocation authority " + contain.authorityId());
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<String> sensorIds = new ArrayList<>(keys.keySet());
        List<SimulatedSensor> sensors = new ArrayList<>();
        for (String id : sensorIds) {
            Profile p = id.equals(MALICIOUS) ? Profile.UNKNOWN_FIRMWARE : Profile.WELL_BEHAVED;
            sensors.add(contain.sensor(id, keys.get(id), chains.get(id), p, roots));
        }
        try (SensorFleet fleet = new SensorFleet(sensors, Duration.ofMillis(500))) {
            fleet.start();
            long started = System.nanoTime();
            servers.connect(keys, chains); // while the sensors report to the channel
            Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - started) / 1_000_000L));
            out.printf(
                    "  %d sensors reporting; %s accepted so far%n",
                    sensors.size(),
                    sensorIds.stream()
                            .mapToLong(id -> fleet.counts(id).accepted())
                            .sum());
            ServersInDemo.Round serversBefore = servers.round("before the act");
            servers.print(serversBefore);

            SimulatedSensor bad = fleet.pause(MALICIOUS);
            out.println("  " + MALICIOUS + " is reflashed with unknown firmware and reports it ...");
            SimulatedSensor.Containment c = bad.actAndMeasure(0, 10_000);
            if (c.refusedNanos() < 0) {
                throw new DemoException(MALICIOUS + " was still served 10 s after its malicious report");
            }
            Future<ServersInDemo.Contained> watch = servers.watch(MALICIOUS);
            long revokedNanos = awaitRevoked(bad.serial(), c.actStartedNanos(), 20_000);
            long since = System.nanoTime();
            ServersInDemo.Contained atServers = ServersInDemo.await(watch);
            ServersInDemo.Round serversAfter = servers.round("after the containment");
            // the others keep working meanwhile
            Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - since) / 1_000_000L));
            Map<String, Long> acceptedBefore = new HashMap<>();
            sensorIds.forEach(id -> acceptedBefore.put(id, fleet.counts(id).accepted()));
            Thread.sleep(1500);

            printContainment(c, revokedNanos);
            boolean serversContained = servers.print(atServers, MALICIOUS, c.actStartedNanos());
            servers.print(serversAfter);
            out.println();
            if (!serversBefore.ok() || !serversContained || !serversAfter.ok()) {
                throw new DemoException("containment demo FAILED at the servers (broker log " + servers.brokerLog()
                        + ", runtime log " + stage.runtimeLog + ")");
            }
            report(fleet, sensorIds, acceptedBefore);
        }
    }

    /** The incident the monitor raised, and how fast the sensor was refused and revoked. */
    private void printContainment(SimulatedSensor.Containment c, long revokedNanos) {
        out.println();
        for (ContainmentStage.IncidentLine i : contain.incidents()) {
            out.printf(
                    "  INCIDENT  %s %s by %s -> %s%s%n    evidence: %s%n",
                    i.severity(),
                    i.rule(),
                    i.device(),
                    i.action(),
                    i.ticket() == null ? "" : " (revocation ticket " + i.ticket() + ")",
                    i.evidence());
        }
        out.printf(Locale.ROOT, "  act answered with: %s%n", c.actAnswer());
        out.printf(
                Locale.ROOT,
                "  malicious report -> its next request refused: %.1f ms (%s)%n",
                c.refusalMillis(),
                c.refusal());
        out.printf(
                Locale.ROOT,
                "  malicious report -> Revoked at Pebble:        %.1f ms%n",
                (revokedNanos - c.actStartedNanos()) / 1e6);
    }

    private long awaitRevoked(String serial, long since, long timeoutMillis) throws InterruptedException {
        while (!"Revoked".equals(ContainmentStage.caStatus(stage, serial))) {
            if (System.nanoTime() - since > timeoutMillis * 1_000_000L) {
                throw new DemoException(MALICIOUS + "'s certificate " + serial + " was not Revoked at Pebble within "
                        + timeoutMillis / 1000 + " s (see " + stage.runtimeLog + ")");
            }
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    private void report(SensorFleet fleet, List<String> ids, Map<String, Long> acceptedBefore) {
        List<String[]> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            SimulatedSensor s = fleet.sensor(id);
            SensorFleet.Counts n = fleet.counts(id);
            String status = stage.pebble.certStatus(s.serial()).status();
            boolean malicious = id.equals(MALICIOUS);
            boolean stillWorking = n.accepted() > acceptedBefore.get(id);
            if (malicious && !"Revoked".equals(status)) {
                problems.add(id + " is " + status + " at Pebble");
            }
            if (!malicious && (!"Valid".equals(status) || n.refused() > 0 || !stillWorking)) {
                problems.add(id + ": " + status + ", " + n.refused() + " refused, last answer " + n.last());
            }
            rows.add(new String[] {
                id,
                s.serial(),
                malicious ? "unknown firmware" : "well-behaved",
                Long.toString(n.accepted()),
                Long.toString(n.refused()),
                status,
                malicious ? "refused" : stillWorking ? "working" : "NOT WORKING"
            });
        }
        Table.print(
                out,
                new String[] {"SENSOR", "SERIAL", "BEHAVIOUR", "ACCEPTED", "REFUSED", "CA STATUS", "CHANNEL"},
                rows);
        out.println();
        if (!problems.isEmpty()) {
            problems.forEach(p -> out.println("  problem: " + p));
            throw new DemoException("containment demo FAILED");
        }
        out.println("Contained: " + MALICIOUS + " is refused on the channel, by Mosquitto and by the HTTPS collector, "
                + "and Revoked at the CA; the other "
                + (ids.size() - 1) + " stay Valid and keep working.");
    }
}
