package io.keywarden.fleet.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.Device;
import io.keywarden.testing.pki.TestCa;

class LegacyLogFilesTest {
    @TempDir
    Path dir;

    @Test
    void entriesComeBackInOrderAndATornOrEditedLineEndsTheReadableLog() throws Exception {
        LegacyLogFiles store = new LegacyLogFiles(dir);
        assertEquals(Set.of(), new LegacyLogFiles(dir.resolve("none")).gateways());
        Files.writeString(dir.resolve("gw1.log"), "1 a.b.c\n2 d.e.f\n");
        Files.writeString(dir.resolve("gw2.log"), "3 g.h.i\n");
        assertEquals(Set.of("gw1", "gw2"), store.gateways());
        assertEquals(
                List.of(new LegacyLogFiles.Stored(1, "a.b.c"), new LegacyLogFiles.Stored(2, "d.e.f")),
                store.read("gw1"));
        assertEquals(List.of(), store.read("gw3"));

        Files.writeString(dir.resolve("gw1.log"), "3 torn", StandardOpenOption.APPEND);
        assertEquals(2, store.read("gw1").size(), "a line without its newline is not an entry");
        Files.writeString(dir.resolve("gw2.log"), "x y\n4 j.k.l\n", StandardOpenOption.APPEND);
        assertEquals(List.of(new LegacyLogFiles.Stored(3, "g.h.i")), store.read("gw2"));
    }

    @Test
    void theGatewaysLogKeepsItsChainAcrossARestartAndDropsALineTornByACrash() throws Exception {
        TestCa ca = TestCa.root("log CA");
        Device gw = Device.issue(ca, "gw1", "gw1");
        Device s1 = Device.issue(ca, "s1", "s1.test");
        try (GatewayLog log = new GatewayLog(dir, "gw1")) {
            assertEquals(
                    2,
                    log.appendNew(
                            List.of(s1.record(DeviceKind.SENSOR, "acct"), gw.record(DeviceKind.GATEWAY, "acct")), 1));
            assertEquals(0, log.appendNew(List.of(s1.record(DeviceKind.SENSOR, "acct")), 2), "logged once");
            assertEquals("gw1", log.unsent(10).get(0).record().getDeviceId(), "the gateway's own record first");
        }
        Files.writeString(dir.resolve("gw1.log"), "{\"v\":1,\"ty", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (GatewayLog log = new GatewayLog(dir, "gw1")) {
            assertEquals(2, log.head().seq());
            log.appendNew(List.of(Device.issue(ca, "s2", "s2.test").record(DeviceKind.SENSOR, "acct")), 3);
            assertEquals(3, log.head().seq());
        }
        try (GatewayLog log = new GatewayLog(dir, "gw1")) {
            assertEquals(3, log.head().seq(), "the torn line is gone, the entry after it chains on");
            List<IssuanceEvent> all = log.unsent(10);
            assertEquals(all.get(1).hash(), all.get(2).prev());
        }
    }
}
