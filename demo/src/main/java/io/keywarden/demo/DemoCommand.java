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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.keywarden.testing.pebble.CertStatus;

/**
 * {@code demo}: a local Pebble, a gateway and ten sensors (three whose keys the gateway generates and keeps,
 * seven that hold their own key and send a CSR). Waits until all eleven hold a certificate, then checks each one
 * at the CA (Pebble's management API) and as a relying party would (chain to Pebble's root). Then the sensors
 * report to the monitor and one of them is contained ({@link ContainmentDemo}).
 */
final class DemoCommand {
    static final String GATEWAY = "gateway.demo.keywarden.test";
    private static final String DOMAIN = ".demo.keywarden.test";
    private static final int SENSORS = 10;
    private static final int SENSORS_WITH_CSR = 7;

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
        out.println("Keywarden demo: a gateway and " + SENSORS + " sensors enroll with a local Pebble ACME CA");
        try (LocalStage stage = LocalStage.start(work)) {
            out.println("  Pebble       " + stage.pebble.directoryUrl() + " (http-01 validated on 127.0.0.1:"
                    + stage.pebble.httpPort() + ")");
            ContainmentStage contain = ContainmentStage.configure(stage, GATEWAY, 20);
            Devices devices = configureDevices(stage, work);
            try (ServersInDemo servers = ServersInDemo.configure(stage, brokerIdentities(devices), out)) {
                enrollAndContain(stage, contain, devices, servers, runtimeJar);
            }
            out.printf(
                    Locale.ROOT,
                    "Demo wall time: %.1f s.%n",
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            return 0;
        }
    }

    /** Starts the runtime, waits until every device is enrolled and checked, then contains one sensor. */
    private void enrollAndContain(
            LocalStage stage, ContainmentStage contain, Devices devices, ServersInDemo servers, Path runtimeJar) {
        RuntimeProcess rt = stage.startRuntime(runtimeJar, List.of());
        out.println("  runtime      pid " + rt.pid() + ", log " + stage.runtimeLog);

        Set<String> expected = new LinkedHashSet<>();
        expected.add(GATEWAY);
        expected.addAll(devices.sensors().keySet());
        Duration enrolled = awaitEnrollment(stage, rt, expected);
        checkCertificates(stage, expected, devices.ownKeys());
        out.printf(
                Locale.ROOT,
                "All %d certificates are Valid at the CA and chain to Pebble's root "
                        + "(runtime start to all enrolled: %.1f s).%n%n",
                expected.size(),
                enrolled.toMillis() / 1000.0);
        contain(stage, contain, devices, servers);
    }

    private void parseArgs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--timeout" -> timeoutSeconds = Args.intValue(args, ++i, 1, 3600);
                default -> throw new DemoException("demo: unknown argument " + args.get(i) + "\n" + Demo.USAGE, 2);
            }
        }
    }

    /** The sensors as configured, and the keys of those that hold their own. */
    private record Devices(Map<String, ConfigFiles.Sensor> sensors, Map<String, Crypto.SensorKey> ownKeys) {}

    /**
     * Writes the gateway's and the sensors' configuration: sensors 1..3 let the gateway generate and keep their key,
     * 4..10 hold their own and send a CSR.
     */
    private Devices configureDevices(LocalStage stage, Path work) {
        Map<String, ConfigFiles.Sensor> sensors = new LinkedHashMap<>();
        Map<String, Crypto.SensorKey> ownKeys = new LinkedHashMap<>();
        for (int n = 1; n <= SENSORS; n++) {
            String id = "sensor-" + n;
            List<String> names = List.of(id + DOMAIN);
            Path csr = null;
            if (n > SENSORS - SENSORS_WITH_CSR) {
                Crypto.SensorKey key = Crypto.sensorKey(work.resolve("sensors").resolve(id), names);
                ownKeys.put(id, key);
                csr = key.csrFile();
            }
            sensors.put(id, new ConfigFiles.Sensor(id, names, csr));
        }
        ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
        int n = 0;
        for (ConfigFiles.Sensor s : sensors.values()) {
            ConfigFiles.writeSensor(stage.etc, Integer.toString(++n), s); // io.keywarden.acme.sensor-<n>.cfg
        }
        out.println("  config       " + stage.etc + " (1 gateway, " + SENSORS + " sensor .cfg files, monitor, "
                + "revocation)");
        return new Devices(sensors, ownKeys);
    }

    /** Waits until every expected device holds a certificate; the time from the runtime's start. */
    private Duration awaitEnrollment(LocalStage stage, RuntimeProcess rt, Set<String> expected) {
        Set<String> missing = stage.awaitCurrent(
                expected, timeoutSeconds * 1000, have -> out.println("  enrolled     " + have + "/" + expected.size()));
        if (!missing.isEmpty()) {
            throw new DemoException("not every device got a certificate within " + timeoutSeconds + " s; missing "
                    + missing + ". Last lines of " + stage.runtimeLog + ":\n" + rt.tail(40));
        }
        return Duration.between(rt.startedAt(), Instant.now());
    }

    /** Checks every certificate at the CA and as a relying party, prints the table, fails on any problem. */
    private void checkCertificates(LocalStage stage, Set<String> expected, Map<String, Crypto.SensorKey> ownKeys) {
        Map<String, StateDir.Cert> current = stage.state().current();
        List<X509Certificate> roots = stage.pebble.rootCertificates();
        List<String[]> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String id : expected) {
            StateDir.Cert c = current.get(id);
            String caStatus = caStatus(stage, id, c, problems);
            String why = relyingPartyProblem(id, c, roots, ownKeys);
            if (why != null) {
                problems.add(id + ": " + why);
            }
            rows.add(new String[] {
                id,
                c.kind(),
                keyHolder(c),
                c.serial(),
                notAfter(c.notAfter()),
                caStatus,
                why == null ? "verified" : "FAILED"
            });
        }
        out.println();
        Table.print(
                out,
                new String[] {
                    "DEVICE", "KIND", "KEY HOLDER", "SERIAL", "NOT AFTER (UTC)", "CA STATUS", "CHAIN TO PEBBLE ROOT"
                },
                rows);
        out.println();
        if (!problems.isEmpty()) {
            problems.forEach(p -> out.println("  problem: " + p));
            throw new DemoException(
                    "demo FAILED: " + problems.size() + " of " + expected.size() + " certificates did not check out");
        }
    }

    /** The certificate's status at Pebble; anything but Valid is a problem. */
    private static String caStatus(LocalStage stage, String id, StateDir.Cert c, List<String> problems) {
        try {
            CertStatus s = stage.pebble.certStatus(c.serial());
            if (!s.isValid()) {
                problems.add(id + ": Pebble says " + s);
            }
            return s.status();
        } catch (RuntimeException e) {
            problems.add(id + ": Pebble's management API: " + e.getMessage());
            return "unknown";
        }
    }

    /** Why a relying party would not accept the certificate (chain, names, key, custody), or null. */
    private static String relyingPartyProblem(
            String id, StateDir.Cert c, List<X509Certificate> roots, Map<String, Crypto.SensorKey> ownKeys) {
        List<X509Certificate> chain = Crypto.readChain(c.chainFile());
        String why = Crypto.verify(chain, roots, c.identifiers());
        if (why == null
                && ownKeys.containsKey(id)
                && !Crypto.samePublicKey(
                        chain.get(0).getPublicKey(), ownKeys.get(id).keyPair().getPublic())) {
            why = "the certificate is not for the key the sensor holds";
        }
        if (why == null && "DEVICE".equals(c.keyCustody()) != ownKeys.containsKey(id)) {
            why = "key custody " + c.keyCustody() + " is not what was configured";
        }
        return why;
    }

    /** The sensors report to the monitor and one of them is contained. */
    private void contain(LocalStage stage, ContainmentStage contain, Devices devices, ServersInDemo servers) {
        Map<String, KeyPair> keys = new LinkedHashMap<>();
        devices.ownKeys().forEach((id, k) -> keys.put(id, k.keyPair()));
        try {
            new ContainmentDemo(stage, contain, servers, out)
                    .run(keys, new ArrayList<>(devices.sensors().keySet()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /** Each sensor's broker user name: its first DNS name, which Pebble writes as the certificate's CN. */
    private static List<String> brokerIdentities(Devices devices) {
        return devices.sensors().values().stream().map(s -> s.dnsNames().get(0)).toList();
    }

    static String keyHolder(StateDir.Cert c) {
        if ("DEVICE".equals(c.keyCustody())) {
            return "sensor";
        }
        return "GATEWAY".equals(c.kind()) ? "gateway" : "gateway (custodian)";
    }

    static String notAfter(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
