package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Another gateway of the fleet, not the compromised one: a runtime process whose fleet component only applies the
 * authority's notices (issue 14 measures "every other gateway denying them"). It enrolls nothing and reports nothing,
 * so it adds no load of its own to the CA or the authority while the compromised gateway is revoked; what is measured
 * is when its deny list, which its enforcement points consult, holds every serial.
 */
final class HonestGateway implements AutoCloseable {
    final Path work;
    private final Path etc;
    private final Path fleetData;
    private RuntimeProcess runtime;

    private HonestGateway(Path work) {
        this.work = work;
        this.etc = work.resolve("etc");
        this.fleetData = work.resolve("fleet");
    }

    /** Writes its fleet configuration: the fleet's broker and the authority's public key, notices applied. */
    static HonestGateway configure(FleetStage fleet, String name) {
        HonestGateway g = new HonestGateway(fleet.work.resolve(name));
        Map<String, String> f = new LinkedHashMap<>();
        f.put("mqtt.broker.url", fleet.broker.url());
        f.put("fleet.id", FleetStage.FLEET);
        f.put("authority.id", FleetStage.AUTHORITY_ID);
        f.put("data.dir", g.fleetData.toAbsolutePath().toString());
        f.put("notices.apply", "true");
        f.put(
                "authority.public.key",
                fleet.authorityPublicKey().toAbsolutePath().toString());
        ConfigFiles.write(g.etc.resolve(FleetStage.FLEET_PID + ".cfg"), f, "Keywarden fleet (an honest gateway)");
        return g;
    }

    synchronized RuntimeProcess start(Path runtimeJar) {
        runtime = RuntimeProcess.startBackground(runtimeJar, etc, work, log(), List.of());
        return runtime;
    }

    Path log() {
        return work.resolve("runtime.log");
    }

    /** The serials its fleet-notices deny list holds (the file the deny list keeps, rewritten on every change). */
    Set<String> denied() {
        return deniedIn(fleetData.resolve("applied-notices.properties"));
    }

    static Set<String> deniedIn(Path appliedNotices) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(appliedNotices, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Set.of();
        }
        return p.stringPropertyNames();
    }

    /** True once its fleet link is connected and subscribed (the runtime logs each connection). */
    boolean connected() {
        return Files.exists(log()) && RuntimeProcess.tail(log(), 400).contains("Connected to ");
    }

    @Override
    public synchronized void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
