package io.keywarden.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.keywarden.testing.pebble.CertStatus;
import io.keywarden.testing.sensors.EstSensor;
import io.keywarden.testing.sensors.ManufacturerPki;

/**
 * {@code demo}: a local Pebble, a gateway and ten sensors that get their certificates only over EST, each with a key
 * it makes and keeps itself: five bootstrap with the IDevID of a simulated manufacturer, five with a one-time code
 * the operator creates at the runtime's console. Checks every certificate at the CA (Pebble's management API) and as
 * a relying party would (chain to Pebble's root); two sensors renew over EST, one of them with a new key. Then the
 * sensors report to the monitor with the certificates they hold and one of them is contained
 * ({@link ContainmentDemo}).
 */
final class DemoCommand {
    static final String GATEWAY = "gateway.demo.keywarden.test";
    private static final String DOMAIN = ".demo.keywarden.test";
    private static final int SENSORS = 10;
    private static final int SENSORS_WITH_IDEVID = 5;
    /** Renews with the same key, and with a new key (both simplereenroll). */
    private static final String RENEWS = "sensor-2";

    private static final String REKEYS = "sensor-9";

    private final Layout layout;
    private final PrintStream out;
    private long timeoutSeconds = 90;

    DemoCommand(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    int run(List<String> args) {
        parseArgs(args);
        Instant t0 = Instant.now();
        // before any TLS in this JVM: the collector resumes sessions only through its cache, which a denial empties
        System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
        // the broker admin and the collector's notice subscriber log each connection; the demo prints what matters
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.keywarden",
                System.getProperty("org.slf4j.simpleLogger.log.io.keywarden", "warn"));
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.demoDir();
        out.println("Keywarden demo: a gateway enrolls with a local Pebble ACME CA, " + SENSORS
                + " sensors enroll at the gateway over EST");
        try (LocalStage stage = LocalStage.start(work)) {
            out.println("  Pebble       " + stage.pebble.directoryUrl() + " (http-01 validated on 127.0.0.1:"
                    + stage.pebble.httpPort() + ")");
            ContainmentStage contain = ContainmentStage.configure(stage, GATEWAY, 20);
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
            List<String> ids = sensorIds();
            EstStage est = EstStage.configure(
                    stage, DOMAIN, ids.subList(0, SENSORS_WITH_IDEVID), ids.subList(SENSORS_WITH_IDEVID, SENSORS));
            out.println("  config       " + stage.etc + " (gateway, EST server, device classes thermo: IDevID of "
                    + EstStage.MANUFACTURER + ", retrofit: one-time code; monitor, revocation)");
            try (ServersInDemo servers = ServersInDemo.configure(stage, brokerIdentities(ids), out)) {
                enrollAndContain(stage, contain, est, servers, runtimeJar);
            }
            out.printf(
                    Locale.ROOT,
                    "Demo wall time: %.1f s.%n",
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            return 0;
        }
    }

    private static List<String> sensorIds() {
        List<String> ids = new ArrayList<>();
        for (int n = 1; n <= SENSORS; n++) {
            ids.add("sensor-" + n);
        }
        return ids;
    }

    /**
     * Starts the runtime, waits for the gateway's certificate and its EST server, has the operator create the codes,
     * lets every sensor bootstrap and two renew, checks them all, then contains one sensor.
     */
    private void enrollAndContain(
            LocalStage stage, ContainmentStage contain, EstStage est, ServersInDemo servers, Path runtimeJar) {
        RuntimeProcess rt = stage.startRuntimeWithConsole(runtimeJar, List.of());
        out.println("  runtime      pid " + rt.pid() + ", log " + stage.runtimeLog + ", Gogo console on a pipe");
        Duration gateway = awaitGateway(stage, rt);
        est.awaitListening(rt, 30_000);
        out.printf(
                Locale.ROOT,
                "  gateway      enrolled %.1f s after the runtime's start; EST server %s%n",
                gateway.toMillis() / 1000.0,
                est.url());
        Map<String, String> codes = est.codesFromOperator(rt.console(), 1);
        out.println("  operator     g! est:code <device> 1   for " + String.join(", ", codes.keySet())
                + " (single use, 1 h; the gateway keeps only a salted hash)");
        Map<String, ManufacturerPki.Idevid> idevids = est.idevids();
        out.println("  EST          " + SENSORS + " sensors bootstrap at once with Bouncy Castle's EST client, each "
                + "with its own key: " + idevids.size() + " by IDevID, " + codes.size() + " by code");
        Instant t = Instant.now();
        X509Certificate root = stage.pebble.rootCertificates().get(0);
        Map<String, EstStage.Bootstrapped> sensors = est.bootstrap(sensorIds(), idevids, codes, root, GATEWAY, DOMAIN);
        Duration all = Duration.between(t, Instant.now());
        checkCertificates(stage, sensors, gateway);
        out.printf(
                Locale.ROOT,
                "All %d certificates are Valid at the CA and chain to Pebble's root (the %d sensors over EST: %.1f s)."
                        + "%n%n",
                SENSORS + 1,
                SENSORS,
                all.toMillis() / 1000.0);
        renew(stage, sensors);
        contain(stage, contain, sensors, servers);
    }

    private void parseArgs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--timeout" -> timeoutSeconds = Args.intValue(args, ++i, 1, 3600);
                default -> throw new DemoException("demo: unknown argument " + args.get(i) + "\n" + Demo.USAGE, 2);
            }
        }
    }

    /** Waits until the gateway holds its own certificate; the time from the runtime's start. */
    private Duration awaitGateway(LocalStage stage, RuntimeProcess rt) {
        Set<String> missing = stage.awaitCurrent(Set.of(GATEWAY), timeoutSeconds * 1000, have -> {});
        if (!missing.isEmpty()) {
            throw new DemoException("the gateway got no certificate within " + timeoutSeconds + " s. Last lines of "
                    + stage.runtimeLog + ":\n" + rt.tail(40));
        }
        return Duration.between(rt.startedAt(), Instant.now());
    }

    /**
     * Checks the gateway's certificate (its own record) and every sensor's (the one the sensor holds) at the CA and
     * as a relying party, prints the table, fails on any problem.
     */
    private void checkCertificates(LocalStage stage, Map<String, EstStage.Bootstrapped> sensors, Duration gateway) {
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StateDir.Cert gw = stage.state().current().get(GATEWAY);
        List<X509Certificate> gwChain = Crypto.readChain(gw.chainFile());
        rows.add(row(stage, GATEWAY, "GATEWAY", "ACME, its own account", gwChain, gw.identifiers(), roots, problems)
                .with(millis(gateway.toMillis())));
        for (EstStage.Bootstrapped b : sensors.values()) {
            EstSensor s = b.sensor();
            String how = s.bootstrap() == EstSensor.Bootstrap.IDEVID ? "IDevID " + s.credential() : "one-time code";
            Row r = row(stage, s.deviceId(), "SENSOR", how, s.chain(), List.of(s.dnsName()), roots, problems);
            if (!Crypto.samePublicKey(s.chain().get(0).getPublicKey(), s.key().getPublic())) {
                problems.add(s.deviceId() + ": the certificate is not for the key the sensor holds");
            }
            rows.add(r.with(millis(b.step().millis())));
        }
        out.println();
        Table.print(
                out,
                new String[] {
                    "DEVICE",
                    "KIND",
                    "BOOTSTRAP",
                    "SERIAL",
                    "NOT AFTER (UTC)",
                    "CA STATUS",
                    "CHAIN TO PEBBLE ROOT",
                    "TO CERTIFICATE"
                },
                rows.stream().map(Row::cells).toList());
        out.println();
        failOn(problems, SENSORS + 1);
    }

    /** One table row; {@link #with} adds the last cell. */
    private record Row(String[] cells) {
        Row with(String last) {
            String[] c = Arrays.copyOf(cells, cells.length + 1);
            c[cells.length] = last;
            return new Row(c);
        }
    }

    private static Row row(
            LocalStage stage,
            String id,
            String kind,
            String how,
            List<X509Certificate> chain,
            List<String> names,
            List<X509Certificate> roots,
            List<String> problems) {
        X509Certificate leaf = chain.get(0);
        String serial = leaf.getSerialNumber().toString(16);
        String caStatus = caStatus(stage, id, serial, problems);
        String why = Crypto.verify(chain, roots, names);
        if (why != null) {
            problems.add(id + ": " + why);
        }
        return new Row(new String[] {
            id,
            kind,
            how,
            serial,
            notAfter(leaf.getNotAfter().toInstant()),
            caStatus,
            why == null ? "verified" : "FAILED"
        });
    }

    private void failOn(List<String> problems, int checked) {
        if (!problems.isEmpty()) {
            problems.forEach(p -> out.println("  problem: " + p));
            throw new DemoException(
                    "demo FAILED: " + problems.size() + " of " + checked + " certificates did not check out");
        }
    }

    /** The certificate's status at Pebble; anything but Valid is a problem. */
    private static String caStatus(LocalStage stage, String id, String serial, List<String> problems) {
        try {
            CertStatus s = stage.pebble.certStatus(serial);
            if (!s.isValid()) {
                problems.add(id + ": Pebble says " + s);
            }
            return s.status();
        } catch (RuntimeException e) {
            problems.add(id + ": Pebble's management API: " + e.getMessage());
            return "unknown";
        }
    }

    /**
     * Part of each sensor's life: {@link #RENEWS} renews with the key it has, {@link #REKEYS} with a new one, both
     * with simplereenroll authenticated by their current certificate. Both use the new certificate from then on.
     */
    private void renew(LocalStage stage, Map<String, EstStage.Bootstrapped> sensors) {
        out.println("Renewal over EST (simplereenroll, authenticated by the sensor's current certificate):");
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<String> problems = new ArrayList<>();
        for (String id : List.of(RENEWS, REKEYS)) {
            EstSensor s = sensors.get(id).sensor();
            boolean rekey = id.equals(REKEYS);
            KeyPair before = s.key();
            EstSensor.Step step;
            try {
                step = s.renew(rekey);
            } catch (Exception e) {
                throw new DemoException(id + " could not renew over EST: " + e);
            }
            String status = caStatus(stage, id, step.serialAfter(), problems);
            String why = Crypto.verify(s.chain(), roots, List.of(s.dnsName()));
            if (why != null) {
                problems.add(id + ": " + why);
            }
            if (rekey == Crypto.samePublicKey(before.getPublic(), s.key().getPublic())) {
                problems.add(id + ": the renewed certificate's key is not what the sensor asked for");
            }
            out.printf(
                    Locale.ROOT,
                    "  %-10s %-8s %s -> %s in %d ms: %s at Pebble, chain %s; the sensor uses it from now on%n",
                    id,
                    rekey ? "new key" : "same key",
                    step.serialBefore(),
                    step.serialAfter(),
                    step.millis(),
                    status,
                    why == null ? "verified" : "FAILED");
        }
        out.println();
        failOn(problems, 2);
    }

    /** The sensors report to the monitor with the key and certificate each holds, and one of them is contained. */
    private void contain(
            LocalStage stage,
            ContainmentStage contain,
            Map<String, EstStage.Bootstrapped> sensors,
            ServersInDemo servers) {
        Map<String, KeyPair> keys = new LinkedHashMap<>();
        Map<String, List<X509Certificate>> chains = new LinkedHashMap<>();
        sensors.forEach((id, b) -> {
            keys.put(id, b.sensor().key());
            chains.put(id, b.sensor().chain());
        });
        try {
            new ContainmentDemo(stage, contain, servers, out).run(keys, chains);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /** Each sensor's broker user name: its first DNS name, which Pebble writes as the certificate's CN. */
    private static List<String> brokerIdentities(List<String> ids) {
        return ids.stream().map(id -> id + DOMAIN).toList();
    }

    private static String millis(long ms) {
        return ms + " ms";
    }

    static String notAfter(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
