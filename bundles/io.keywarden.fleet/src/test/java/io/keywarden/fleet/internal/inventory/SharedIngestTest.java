package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.JdbcLogStore;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.log.TestStores;
import io.keywarden.testing.pki.TestCa;

/**
 * Two authority instances in one share group (each its own collector and its own pool on one database) judging
 * overlapping batches of one gateway's log at the same moment, as after a gateway's resend: nothing is an incident or a
 * refusal, every batch is acknowledged, every entry is stored once. On each database the log store runs on
 * ({@link SharedIngestH2Test}, {@link SharedIngestPostgresTest}).
 */
abstract class SharedIngestTest {
    private static final TestStores STORES = new TestStores();
    private static final String GW = "gw-1.fleet.test";
    private static final String ACCOUNT = "https://ca.test/acct/1";
    /** Entries of the gateway's log; batches of {@link #BATCH} that each start half a batch before the last ended. */
    private static final int ENTRIES = 96;

    private static final int BATCH = 8;

    @TempDir
    Path dir;

    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

    abstract TestStores.Kind kind();

    @AfterAll
    static void closeStores() {
        STORES.close();
    }

    @Test
    void overlappingBatchesJudgedByTwoInstancesAtOnceAreNoIncidentAndStoredOnce() throws Exception {
        TestCa ca = TestCa.root("fleet CA");
        Device gateway = Device.issue(ca, GW, GW);
        List<CertificateRecord> records = new ArrayList<>();
        records.add(gateway.record(DeviceKind.GATEWAY, ACCOUNT));
        for (int i = 1; i < ENTRIES; i++) {
            records.add(Device.issue(ca, "sensor-" + i, "s" + i + ".fleet.test").record(DeviceKind.SENSOR, ACCOUNT));
        }
        List<IssuanceEvent> log = chain(records);
        List<byte[]> batches = new ArrayList<>();
        for (int from = 0; from < ENTRIES; from += BATCH / 2) {
            batches.add(batch(gateway, log.subList(from, Math.min(ENTRIES, from + BATCH))));
        }
        String url = url();
        List<List<LogAck>> acks = List.of(
                Collections.synchronizedList(new ArrayList<>()), Collections.synchronizedList(new ArrayList<>()));
        List<InventoryCollector> instances = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JdbcLogStore store = new JdbcLogStore(STORES.open(url));
            instances.add(collector(ca, store, acks.get(i), "instance" + i));
        }
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (InventoryCollector instance : instances) {
                done.add(threads.submit(() -> {
                    start.await();
                    // each instance gets every batch: what the share group hands out twice after a resend
                    for (byte[] b : batches) {
                        instance.log("t", GW, b);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of(), refusals, "no incident and no refusal");
        for (List<LogAck> a : acks) {
            assertEquals(batches.size(), a.size(), "every batch is acknowledged by the instance that judged it");
            assertEquals(new LogAck(GW, ENTRIES, log.get(ENTRIES - 1).hash(), false), a.get(a.size() - 1));
        }
        JdbcLogStore reader = new JdbcLogStore(STORES.open(url));
        assertEquals(
                records.stream().map(CertificateRecord::getSerial).toList(),
                reader.records(GW).stream().map(CertificateRecord::getSerial).toList(),
                "every entry stored once, in log order");
    }

    private String url() {
        return STORES.url(kind(), dir);
    }

    private InventoryCollector collector(TestCa ca, JdbcLogStore store, List<LogAck> acks, String name)
            throws Exception {
        Map<String, Object> p = CollectorOptions.of(ca, dir.resolve(name));
        p.put("authority.share.group", "authorities");
        InventoryCollector c = new InventoryCollector(
                FleetOptions.parse(p, null),
                store,
                Clock.systemUTC(),
                (topic, props) -> {
                    if (FleetEvents.TOPIC_INVENTORY_REJECTED.equals(topic)
                            || FleetEvents.TOPIC_LOG_INCIDENT.equals(topic)) {
                        refusals.add(name + ": " + props);
                    }
                },
                inventory -> {},
                serial -> false,
                (gatewayId, ack) -> acks.add(ack));
        c.load();
        return c;
    }

    private static List<IssuanceEvent> chain(List<CertificateRecord> records) {
        return InventoryCollectorTest.chain(GW, records);
    }

    private static byte[] batch(Device signer, List<IssuanceEvent> entries) {
        return InventoryCollectorTest.batch(signer, entries);
    }
}
