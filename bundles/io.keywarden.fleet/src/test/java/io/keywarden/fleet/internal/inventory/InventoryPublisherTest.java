package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.fleet.internal.transport.FleetLink;
import io.keywarden.testing.pki.TestCa;

/**
 * The gateway's issuance log as it leaves the gateway. On Kura the gateway's key reaches the keystore just after the
 * certificate's ENROLLED event asked for the log: what could not be signed then goes out at the next retry, signed
 * with that key, with no further event.
 */
class InventoryPublisherTest {
    private static final String GW = "gw-1.fleet.test";

    @TempDir
    Path dir;

    /** The ACME bundle as seen by the fleet bundle: a current certificate, a TLS identity the test switches on. */
    static final class Gateway implements GatewayEnrollmentService {
        final CertificateRecord record;
        volatile KeyStore.PrivateKeyEntry identity;

        Gateway(CertificateRecord record) {
            this.record = record;
        }

        @Override
        public String getDeviceId() {
            return record.getDeviceId();
        }

        @Override
        public Optional<CertificateRecord> getCertificate() {
            return Optional.of(record);
        }

        @Override
        public Optional<KeyStore.PrivateKeyEntry> getTlsIdentity() {
            return Optional.ofNullable(identity);
        }

        @Override
        public List<X509Certificate> getCaCertificates() {
            return record.getChain().subList(1, record.getChain().size());
        }

        @Override
        public Optional<String> getAccountUrl() {
            return Optional.of(record.getAccountUrl());
        }

        @Override
        public EnrollmentStatus getStatus() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CertificateRecord enroll() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CertificateRecord renew() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CertificateRecord enroll(String csrPem) {
            throw new UnsupportedOperationException();
        }
    }

    /** A link the test connects and disconnects; it records what was published while connected. */
    private static final class RecordingLink implements FleetLink {
        volatile boolean connected;
        final List<String> published = new ArrayList<>();

        @Override
        public void start() {}

        @Override
        public void subscribe(String filter) {}

        @Override
        public boolean publish(String topic, byte[] payload, Runnable onAcknowledged) {
            if (!connected) {
                return false;
            }
            published.add(topic + " " + new String(payload, StandardCharsets.US_ASCII));
            onAcknowledged.run();
            return true;
        }

        @Override
        public void close() {}
    }

    static final class Inventory implements CertificateInventory {
        final List<CertificateRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public List<CertificateRecord> getAll() {
            return List.copyOf(records);
        }

        @Override
        public List<CertificateRecord> getByDevice(String deviceId) {
            return records.stream()
                    .filter(r -> r.getDeviceId().equals(deviceId))
                    .toList();
        }

        @Override
        public Optional<CertificateRecord> getBySerial(String serial) {
            return records.stream().filter(r -> r.getSerial().equals(serial)).findFirst();
        }
    }

    private FleetOptions options() throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1");
        p.put("fleet.id", "f");
        p.put("notices.apply", "false");
        p.put("inventory.publish", "true");
        p.put("data.dir", dir.resolve("data").toString());
        return FleetOptions.parse(p, null);
    }

    private InventoryPublisher publisher(RecordingLink link, Gateway gateway, Inventory inventory) throws Exception {
        return new InventoryPublisher(
                options(),
                new Outbox(dir.resolve("outbox")),
                link,
                Clock.systemUTC(),
                () -> Optional.of(gateway),
                () -> Optional.of(inventory));
    }

    /** The sequence numbers of the log entries in each published batch, verified as the authority would. */
    private static List<List<Long>> batches(RecordingLink link, TestCa ca) throws Exception {
        List<List<Long>> out = new ArrayList<>();
        for (String m : link.published) {
            String[] parts = m.split(" ", 2);
            assertEquals("keywarden/f/log/" + GW, parts[0]);
            List<Long> seqs = new ArrayList<>();
            for (String jws : parts[1].split("\n")) {
                seqs.add(GatewayEnvelope.verify(
                                jws.getBytes(StandardCharsets.US_ASCII),
                                IssuanceEvent.TYPE,
                                GW,
                                Set.of(new TrustAnchor(ca.certificate(), null)),
                                Instant.now())
                        .sequence());
            }
            out.add(seqs);
        }
        link.published.clear();
        return out;
    }

    @Test
    void aLogThatWaitedForTheKeyGoesOutSignedWithItOnceItIsThere() throws Exception {
        TestCa ca = TestCa.root("fleet CA");
        Device leaf = Device.issue(ca, GW, GW);
        Gateway gateway = new Gateway(leaf.record(DeviceKind.GATEWAY, "https://ca.test/acct/1"));
        Inventory inventory = new Inventory();
        inventory.records.add(gateway.record);
        RecordingLink link = new RecordingLink();
        link.connected = true;
        InventoryPublisher publisher = publisher(link, gateway, inventory);

        assertFalse(publisher.publishInventory(), "enrolled, but the key is not reachable yet");
        publisher.retryIfWaiting();
        assertEquals(List.of(), link.published);

        gateway.identity = leaf.entry();
        publisher.retryIfWaiting();
        assertEquals(List.of(List.of(1L)), batches(link, ca));
        publisher.retryIfWaiting();
        assertEquals(List.of(), link.published, "signed once: nothing is due any more");
        publisher.close();
    }

    /**
     * A certificate ordered while the broker was away waits in the log; at the reconnection the gateway sends what
     * the authority has not acknowledged, and only that, also after a restart.
     */
    @Test
    void aReconnectingGatewayResendsOnlyWhatWasNotAcknowledged() throws Exception {
        TestCa ca = TestCa.root("fleet CA");
        Device leaf = Device.issue(ca, GW, GW);
        String account = "https://ca.test/acct/1";
        Gateway gateway = new Gateway(leaf.record(DeviceKind.GATEWAY, account));
        gateway.identity = leaf.entry();
        Inventory inventory = new Inventory();
        inventory.records.add(gateway.record);
        RecordingLink link = new RecordingLink();
        link.connected = true;
        InventoryPublisher publisher = publisher(link, gateway, inventory);
        publisher.connected();
        assertEquals(List.of(List.of(1L)), batches(link, ca));
        inventory.records.add(Device.issue(ca, "s1", "s1.fleet.test").record(DeviceKind.SENSOR, account));
        publisher.publishInventory();
        assertEquals(List.of(List.of(2L)), batches(link, ca), "only the new entry");
        publisher.acknowledged(ack(1, dir));

        link.connected = false;
        inventory.records.add(Device.issue(ca, "s2", "s2.fleet.test").record(DeviceKind.SENSOR, account));
        publisher.publishInventory();
        assertEquals(List.of(), link.published);
        link.connected = true;
        publisher.connected();
        assertEquals(List.of(List.of(2L, 3L)), batches(link, ca), "everything after the acknowledged entry 1");
        publisher.close();

        InventoryPublisher restarted = publisher(link, gateway, inventory);
        restarted.connected();
        assertEquals(List.of(List.of(2L, 3L)), batches(link, ca), "the acknowledged head survives a restart");
        restarted.acknowledged(ack(3, dir));
        restarted.connected();
        assertEquals(List.of(), link.published, "nothing left to send");
        restarted.acknowledged(new LogAck(GW, 9, IssuanceEvent.GENESIS, true)
                .encode(Optional.empty(), "a")
                .getBytes(StandardCharsets.US_ASCII));
        restarted.connected();
        assertEquals(List.of(), link.published, "an acknowledgement of entries this log lacks changes nothing");
        restarted.close();
    }

    /** What the authority would acknowledge: the entry's hash as the gateway's own log file holds it. */
    private static byte[] ack(long seq, Path dir) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("data/issuance-log/" + GW + ".log"));
        String hash = IssuanceEvent.sha256(lines.get((int) seq - 1));
        return new LogAck(GW, seq, hash, false)
                .encode(Optional.empty(), "authority")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
