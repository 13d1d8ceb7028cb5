package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * An operator (or a provisioning script) drops a few hundred sensor configurations into a running runtime's etc/ at
 * once: every one is read. FileInstall's NIO2 watch service lost such a burst (the JDK keeps at most 512 events per
 * watch key and then signals OVERFLOW, from which FileInstall's watcher did not recover: `bench 200` enrolled none),
 * so the runtime polls; set {@code -Dkeywarden.test.fileinstall.nio2=true} to run this against the watch service.
 */
class ConfigBurstTest {
    private static final String GATEWAY = "gateway.burst.keywarden.test";
    private static final int SENSORS = 250;

    @Test
    void aBurstOfSensorConfigurationsWrittenWhileTheRuntimeRunsIsReadWhole() throws Exception {
        Layout layout = Layout.detect();
        Path runtimeJar = layout.requireRuntimeJar();
        Path work = layout.home.resolve("demo/target/config-burst-test");
        try (LocalStage stage = LocalStage.start(work)) {
            ConfigFiles.writeGateway(stage.etc, stage.gatewayConfig(GATEWAY, 8));
            List<String> props = Boolean.getBoolean("keywarden.test.fileinstall.nio2")
                    ? List.of("-Dfelix.fileinstall.disableNio2=false")
                    : List.of();
            RuntimeProcess runtime = stage.startRuntime(runtimeJar, props);
            assertTrue(stage.awaitCurrent(Set.of(GATEWAY), 90_000, have -> {}).isEmpty(), runtime.tail(40));

            Set<String> expected = new TreeSet<>();
            for (int i = 1; i <= SENSORS; i++) {
                String id = String.format(Locale.ROOT, "sensor-%03d", i);
                expected.add(id);
                ConfigFiles.writeSensor(
                        stage.etc, id, new ConfigFiles.Sensor(id, List.of(id + ".burst.keywarden.test"), null));
            }
            Set<String> missing = stage.awaitCurrent(expected, 180_000, have -> {});
            assertTrue(
                    missing.isEmpty(),
                    () -> missing.size() + " of " + SENSORS + " sensor configurations were never read: "
                            + LocalStage.abbreviate(missing) + "\n" + runtime.tail(20));
        }
    }
}
