package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.JdbcLogStore;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.fleet.internal.log.TestStores;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.fleet.internal.transport.FleetLink;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestCa;

/**
 * A fleet floods one authority through a small ingest queue while the database refuses some gateways' entries, and
 * the authority restarts. Real gateways' publishers (their own hash-chained logs, signed batches, resends) and the
 * real collector and store; the broker is a queue that keeps a refused message and delivers it again, as a broker
 * does with a QoS 1 message whose acknowledgement never came, and the collector's thread runs when the test says. The
 * queue never holds more than its bounds; what was not stored was not acknowledged and came again; in the end every
 * entry of every gateway is stored, once, and a reconnecting gateway sends only what is new.
 */
class IngestFloodTest {
    private static final int GATEWAYS = 10;
    private static final int SENSORS = 80;
    private static final int QUEUE = 3;
    private static final int QUEUE_BYTES = 512 * 1024;
    private static final TestStores STORES = new TestStores();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    /** What the broker holds for the authority, oldest first. */
    private final Deque<Delivery> broker = new ArrayDeque<>();

    private final Map<String, InventoryPublisher> publishers = new LinkedHashMap<>();
    private final Map<String, InventoryPublisherTest.Inventory> inventories = new HashMap<>();
    private final Map<String, Integer> sentMessages = new ConcurrentHashMap<>();
    private final List<String> incidents = new ArrayList<>();
    private final Set<String> unavailableFor = ConcurrentHashMap.newKeySet();
    private TestCa ca;
    private LogStore store;
    private int refusedByTheGate;
    private int peakQueued;
    private long peakBytes;

    private record Delivery(String topic, String gatewayId, byte[] payload) {}

    @BeforeEach
    void setUp() throws Exception {
        ca = TestCa.root("flood CA");
        JdbcLogStore jdbc = STORES.store(TestStores.Kind.H2, dir);
        store = new Unavailable(jdbc, unavailableFor);
        for (int g = 0; g < GATEWAYS; g++) {
            String id = "gw-" + g + ".flood.test";
            String account = "https://ca.test/acct/" + g;
            Device own = Device.issue(ca, id, id);
            InventoryPublisherTest.Gateway gateway =
                    new InventoryPublisherTest.Gateway(own.record(DeviceKind.GATEWAY, account));
            gateway.identity = own.entry();
            InventoryPublisherTest.Inventory inventory = new InventoryPublisherTest.Inventory();
            inventory.records.add(gateway.record);
            for (int s = 0; s < SENSORS; s++) {
                inventory.records.add(
                        Device.issue(ca, "s" + s, "s" + s + "." + id).record(DeviceKind.SENSOR, account));
            }
            inventories.put(id, inventory);
            publishers.put(id, publisher(id, gateway, inventory));
        }
    }

    @AfterEach
    void tearDown() {
        publishers.values().forEach(InventoryPublisher::close);
        STORES.close();
    }

    @Test
    void nothingIsLostAndTheQueueStaysBounded() throws Exception {
        // the database refuses three gateways' entries while the whole fleet reports at once
        unavailableFor.addAll(List.of("gw-0.flood.test", "gw-1.flood.test", "gw-2.flood.test"));
        publishers.values().forEach(InventoryPublisher::connected);
        assertEquals(GATEWAYS * 2, broker.size(), "81 entries each: two messages of at most 64");
        InventoryCollector authority = collector();
        pump(authority);
        assertTrue(refusedByTheGate > 0, "the flood filled the queue");
        assertTrue(peakQueued <= QUEUE && peakBytes <= QUEUE_BYTES, peakQueued + " messages, " + peakBytes + " bytes");
        for (String id : publishers.keySet()) {
            long expected = unavailableFor.contains(id) ? 0 : SENSORS + 1;
            assertEquals(expected, store.head(id).seq(), id);
        }

        // the database is back; nobody acknowledged those gateways' entries, so they send them again, and only they
        unavailableFor.clear();
        sentMessages.clear();
        clock.advance(InventoryPublisher.RESEND_AFTER.minusSeconds(1));
        publishers.values().forEach(InventoryPublisher::resendIfUnacknowledged);
        assertEquals(0, broker.size(), "not before the resend period");
        clock.advance(Duration.ofSeconds(2));
        publishers.values().forEach(InventoryPublisher::resendIfUnacknowledged);
        assertEquals(Set.of("gw-0.flood.test", "gw-1.flood.test", "gw-2.flood.test"), sentMessages.keySet());
        pump(authority);
        publishers.keySet().forEach(id -> assertHead(id, SENSORS + 1));

        // the authority restarts; every gateway reconnects and has nothing to send; a new certificate goes alone
        InventoryCollector restarted = collector();
        sentMessages.clear();
        publishers.values().forEach(InventoryPublisher::connected);
        assertEquals(0, broker.size(), "everything was acknowledged: " + sentMessages);
        inventories
                .get("gw-5.flood.test")
                .records
                .add(Device.issue(ca, "late", "late.gw-5.flood.test")
                        .record(DeviceKind.SENSOR, "https://ca.test/acct/5"));
        publishers.get("gw-5.flood.test").publishInventory();
        assertEquals(1, broker.size());
        pump(restarted);
        assertHead("gw-5.flood.test", SENSORS + 2);
        assertEquals(SENSORS + 2, store.records("gw-5.flood.test").size());
        assertEquals(List.of(), incidents, "no gap, fork or rewrite: nothing was lost or reordered");
        assertTrue(peakQueued <= QUEUE && peakBytes <= QUEUE_BYTES);
    }

    private void assertHead(String id, long seq) {
        try {
            assertEquals(seq, store.head(id).seq(), id);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The delivery thread: hands each message to the gate; a refused one stays first at the broker (delivered again)
     * while the collector's thread catches up. Ends when the broker is empty and the collector idle.
     */
    private void pump(InventoryCollector authority) {
        ManualExecutor thread = new ManualExecutor();
        IngestGate gate = new IngestGate(thread, QUEUE, QUEUE_BYTES, Duration.ZERO);
        while (!broker.isEmpty() || !thread.waiting.isEmpty()) {
            Delivery d = broker.poll();
            if (d == null) {
                thread.runAll();
                continue;
            }
            try {
                gate.submit(d.payload().length, () -> authority.log(d.topic(), d.gatewayId(), d.payload()));
            } catch (IngestGate.Overloaded e) {
                refusedByTheGate++;
                broker.addFirst(d);
                thread.runAll();
            }
            peakQueued = Math.max(peakQueued, gate.queued());
            peakBytes = Math.max(peakBytes, gate.queuedBytes());
        }
    }

    private InventoryCollector collector() throws Exception {
        Path roots = dir.resolve("roots.pem");
        Files.writeString(roots, Pem.encode("CERTIFICATE", ca.certificate().getEncoded()));
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1");
        p.put("fleet.id", "f");
        p.put("notices.apply", "false");
        p.put("inventory.collect", "true");
        p.put("inventory.ca.roots", roots.toString());
        p.put("data.dir", dir.resolve("authority").toString());
        InventoryCollector c = new InventoryCollector(
                FleetOptions.parse(p, null),
                store,
                clock,
                (topic, props) -> {
                    if (topic.endsWith("LOG_INCIDENT")) {
                        incidents.add(String.valueOf(props));
                    }
                },
                inventory -> {},
                serial -> false,
                (gatewayId, ack) -> publishers
                        .get(gatewayId)
                        .acknowledged(
                                ack.encode(Optional.empty(), "fleet-authority").getBytes(StandardCharsets.US_ASCII)));
        c.load();
        return c;
    }

    private InventoryPublisher publisher(
            String id, InventoryPublisherTest.Gateway gateway, InventoryPublisherTest.Inventory inventory)
            throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1");
        p.put("fleet.id", "f");
        p.put("notices.apply", "false");
        p.put("inventory.publish", "true");
        p.put("data.dir", dir.resolve(id).toString());
        FleetLink link = new FleetLink() {
            @Override
            public void start() {}

            @Override
            public void subscribe(String filter) {}

            @Override
            public boolean publish(String topic, byte[] payload, Runnable onAcknowledged) {
                broker.add(new Delivery(topic, id, payload));
                sentMessages.merge(id, 1, Integer::sum);
                onAcknowledged.run();
                return true;
            }

            @Override
            public void close() {}
        };
        return new InventoryPublisher(
                FleetOptions.parse(p, null),
                new Outbox(dir.resolve(id).resolve("outbox")),
                link,
                clock,
                () -> Optional.of(gateway),
                () -> Optional.of(inventory));
    }

    /** The collector's thread, run by the test. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> waiting = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            waiting.add(r);
        }

        void runAll() {
            for (Runnable r = waiting.poll(); r != null; r = waiting.poll()) {
                r.run();
            }
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** The store, with appends of some gateways failing as a database that is away fails them. */
    private static final class Unavailable implements LogStore {
        private final LogStore store;
        private final Set<String> failing;

        Unavailable(LogStore store, Set<String> failing) {
            this.store = store;
            this.failing = failing;
        }

        @Override
        public void append(String gatewayId, List<Entry> entries) throws IOException {
            if (failing.contains(gatewayId)) {
                throw new IOException("the database is unavailable");
            }
            store.append(gatewayId, entries);
        }

        @Override
        public void judgeAndAppend(String gatewayId, Judge judge) throws IOException {
            if (failing.contains(gatewayId)) {
                throw new IOException("the database is unavailable");
            }
            store.judgeAndAppend(gatewayId, judge);
        }

        @Override
        public Map<Long, String> hashes(String gatewayId, long from, long to) throws IOException {
            return store.hashes(gatewayId, from, to);
        }

        @Override
        public Set<String> gateways() throws IOException {
            return store.gateways();
        }

        @Override
        public Head head(String gatewayId) throws IOException {
            return store.head(gatewayId);
        }

        @Override
        public Optional<String> hashAt(String gatewayId, long seq) throws IOException {
            return store.hashAt(gatewayId, seq);
        }

        @Override
        public List<CertificateRecord> records(String gatewayId) throws IOException {
            return store.records(gatewayId);
        }

        @Override
        public List<CertificateRecord> recordsOfDevice(String gatewayId, String deviceId) throws IOException {
            return store.recordsOfDevice(gatewayId, deviceId);
        }

        @Override
        public Optional<CertificateRecord> record(String gatewayId, String serial) throws IOException {
            return store.record(gatewayId, serial);
        }

        @Override
        public Optional<Owner> owner(String serial) throws IOException {
            return store.owner(serial);
        }

        @Override
        public Set<String> gatewaySerials(String gatewayId) throws IOException {
            return store.gatewaySerials(gatewayId);
        }

        @Override
        public Set<String> accounts(String gatewayId) throws IOException {
            return store.accounts(gatewayId);
        }

        @Override
        public Set<String> accountHolders(String accountUrl) throws IOException {
            return store.accountHolders(accountUrl);
        }

        @Override
        public boolean isFrozen(String gatewayId) throws IOException {
            return store.isFrozen(gatewayId);
        }

        @Override
        public boolean freeze(String gatewayId, long atMillis) throws IOException {
            return store.freeze(gatewayId, atMillis);
        }
    }
}
