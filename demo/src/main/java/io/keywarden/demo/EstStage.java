package io.keywarden.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.keywarden.testing.pebble.FreePorts;
import io.keywarden.testing.sensors.EstSensor;
import io.keywarden.testing.sensors.EstSensorClient;
import io.keywarden.testing.sensors.ManufacturerPki;

/**
 * The EST part of a local run: the runtime's EST server and two device classes configured as a user would (files
 * FileInstall hands to ConfigAdmin), a simulated manufacturer whose IDevIDs one class trusts, and the sensors, each
 * in this process with its own key, bootstrapping over EST with Bouncy Castle's client. The other class bootstraps
 * with one-time codes the operator creates at the runtime's console.
 */
final class EstStage {
    static final String EST_PID = "io.keywarden.est";
    static final String CLASS_FACTORY_PID = "io.keywarden.est.class";
    static final String MANUFACTURER = "Thermo Devices";

    final int port;
    private final ManufacturerPki manufacturer;
    private final List<String> idevidDevices;
    private final List<String> codeDevices;

    /** A sensor's first certificate: how it got it and how long it took. */
    record Bootstrapped(EstSensor sensor, EstSensor.Step step) {}

    private EstStage(int port, ManufacturerPki manufacturer, List<String> idevidDevices, List<String> codeDevices) {
        this.port = port;
        this.manufacturer = manufacturer;
        this.idevidDevices = List.copyOf(idevidDevices);
        this.codeDevices = List.copyOf(codeDevices);
    }

    /**
     * Writes {@code etc/io.keywarden.est.cfg} and one device class per way of bootstrapping: {@code thermo} (IDevIDs
     * of the simulated manufacturer, whose root is the class's trust anchor; roster {@code idevidDevices}) and
     * {@code retrofit} (one-time codes only; roster {@code codeDevices}). Each device may hold {@code <id><domain>}.
     */
    static EstStage configure(LocalStage stage, String domain, List<String> idevidDevices, List<String> codeDevices) {
        EstStage est = new EstStage(FreePorts.find(), new ManufacturerPki(MANUFACTURER), idevidDevices, codeDevices);
        Path anchor = stage.workDir.resolve("manufacturer").resolve("idevid-root.pem");
        try {
            Files.createDirectories(anchor.getParent());
            Files.writeString(anchor, est.manufacturer.rootPem());
        } catch (IOException e) {
            throw new DemoException("cannot write the manufacturer's root " + anchor + ": " + e);
        }
        Map<String, String> server = new LinkedHashMap<>();
        server.put("bind.address", "127.0.0.1");
        server.put("port", Integer.toString(est.port));
        server.put("data.dir", stage.workDir.resolve("est").toAbsolutePath().toString());
        server.put("connections.per.source", "32"); // every simulated sensor connects from 127.0.0.1
        server.put("ca.wait.ms", "10000");
        server.put("retry.after.seconds", "1");
        ConfigFiles.write(stage.etc.resolve(EST_PID + ".cfg"), server, "Keywarden EST server (" + EST_PID + ")");
        if (!idevidDevices.isEmpty()) {
            writeIdevidClass(stage, domain, idevidDevices, anchor);
        }
        if (!codeDevices.isEmpty()) {
            writeCodeClass(stage, domain, codeDevices);
        }
        return est;
    }

    private static void writeIdevidClass(LocalStage stage, String domain, List<String> devices, Path anchor) {
        Map<String, String> thermo = new LinkedHashMap<>();
        thermo.put("name", "thermo");
        thermo.put("devices.roster", String.join(",", devices));
        thermo.put("idevid.anchors", anchor.toAbsolutePath().toString());
        thermo.put("idevid.id.attribute", "SERIAL_NUMBER");
        thermo.put("codes.enabled", "false");
        thermo.put("dns.names", "{id}" + domain);
        ConfigFiles.write(
                stage.etc.resolve(CLASS_FACTORY_PID + "-thermo.cfg"),
                thermo,
                "EST device class: " + MANUFACTURER + " sensors, bootstrap with their IDevID");
    }

    private static void writeCodeClass(LocalStage stage, String domain, List<String> devices) {
        Map<String, String> retrofit = new LinkedHashMap<>();
        retrofit.put("name", "retrofit");
        retrofit.put("devices.roster", String.join(",", devices));
        retrofit.put("codes.enabled", "true");
        retrofit.put("dns.names", "{id}" + domain);
        ConfigFiles.write(
                stage.etc.resolve(CLASS_FACTORY_PID + "-retrofit.cfg"),
                retrofit,
                "EST device class: retrofitted sensors, bootstrap with a one-time code");
    }

    /** Every device of both classes: those with an IDevID first. */
    List<String> devices() {
        List<String> all = new ArrayList<>(idevidDevices);
        all.addAll(codeDevices);
        return all;
    }

    String url() {
        return "https://127.0.0.1:" + port + "/.well-known/est/";
    }

    /** The manufacturer made every IDevID long before the demo: not on its clock. */
    Map<String, ManufacturerPki.Idevid> idevids() {
        Map<String, ManufacturerPki.Idevid> out = new LinkedHashMap<>();
        idevidDevices.forEach(id -> out.put(id, manufacturer.issue(id)));
        return out;
    }

    /** The operator's one-time codes, one {@code est:code} per code device at the runtime's console. */
    Map<String, String> codesFromOperator(OperatorConsole console, int hours) {
        console.awaitEstCommands(60_000);
        Map<String, String> codes = new LinkedHashMap<>();
        for (String id : codeDevices) {
            codes.put(id, console.enrollmentCode(id, hours, 20_000));
        }
        return codes;
    }

    /**
     * Every sensor bootstraps over EST, up to 16 at once, in the order of {@code all}: with its IDevID if it has one,
     * else with its code. Each trusts only the CA's root and checks that it talks to {@code gateway}.
     */
    Map<String, Bootstrapped> bootstrap(
            List<String> all,
            Map<String, ManufacturerPki.Idevid> idevids,
            Map<String, String> codes,
            X509Certificate caRoot,
            String gateway,
            String domain) {
        EstSensorClient client = new EstSensorClient("127.0.0.1:" + port, caRoot, gateway);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(all.size(), 16)));
        try {
            Map<String, Future<Bootstrapped>> futures = new LinkedHashMap<>();
            for (String id : all) {
                EstSensor s = new EstSensor(id, id + domain, client);
                ManufacturerPki.Idevid idevid = idevids.get(id);
                futures.put(
                        id,
                        pool.submit(() -> new Bootstrapped(
                                s,
                                idevid != null ? s.bootstrapWithIdevid(idevid) : s.bootstrapWithCode(codes.get(id)))));
            }
            Map<String, Bootstrapped> out = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Bootstrapped>> f : futures.entrySet()) {
                out.put(f.getKey(), result(f.getKey(), f.getValue()));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T result(String id, Future<T> f) {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new DemoException(id + " got no certificate over EST: " + e.getCause());
        } catch (TimeoutException e) {
            throw new DemoException(id + " got no certificate over EST within 120 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    /** Waits until the EST server accepts connections (it starts once the gateway holds its certificate). */
    void awaitListening(RuntimeProcess rt, long timeoutMillis) {
        awaitListening(port, rt, timeoutMillis);
    }

    /** Waits until something accepts connections on the loopback {@code port}, while {@code rt} runs. */
    static void awaitListening(int port, RuntimeProcess rt, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!rt.isAlive()) {
                    break;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DemoException("interrupted");
                }
            }
        }
        throw new DemoException("the EST server did not listen on port " + port + ":\n" + rt.tail(40));
    }
}
