package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.fleet.transport.FleetTransportListener;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.mqtt.MqttLink;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.testing.pki.TestCa;

/**
 * On Kura the gateway's key reaches the keystore just after the certificate's ENROLLED event asked for an inventory:
 * the inventory that could not be signed then goes out at the next retry, signed with that key, with no further event.
 * The broker is not connected here, so what would be published is what the outbox holds.
 */
class InventoryPublisherTest {
    private static final String GW = "gw-1.fleet.test";

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** The ACME bundle as seen by the fleet bundle: a current certificate, a TLS identity the test switches on. */
    private static final class Gateway implements GatewayEnrollmentService {
        final CertificateRecord record;
        volatile KeyStore.PrivateKeyEntry identity;

        Gateway(CertificateRecord record) {
            this.record = record;
        }

        @Override
        public String getDeviceId() {
            return GW;
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

    private static CertificateInventory inventoryOf(CertificateRecord record) {
        return new CertificateInventory() {
            @Override
            public List<CertificateRecord> getAll() {
                return List.of(record);
            }

            @Override
            public List<CertificateRecord> getByDevice(String deviceId) {
                return GW.equals(deviceId) ? List.of(record) : List.of();
            }

            @Override
            public Optional<CertificateRecord> getBySerial(String serial) {
                return record.getSerial().equals(serial) ? Optional.of(record) : Optional.empty();
            }
        };
    }

    @Test
    void anInventoryThatWaitedForTheKeyGoesOutSignedWithItOnceItIsThere() throws Exception {
        TestCa ca = TestCa.root("fleet CA");
        Device leaf = Device.issue(ca, GW, GW);
        Gateway gateway = new Gateway(leaf.record(DeviceKind.GATEWAY, "https://ca.test/acct/1"));
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1");
        p.put("fleet.id", "f");
        p.put("notices.apply", "false");
        p.put("inventory.publish", "true");
        p.put("data.dir", dir.resolve("data").toString());
        FleetOptions options = FleetOptions.parse(p, null);
        MqttLink link = new MqttLink(
                options,
                new FleetTransportListener() {
                    @Override
                    public void connected(boolean reconnect) {}

                    @Override
                    public void message(String topic, byte[] payload) {}
                },
                scheduler);
        Outbox outbox = new Outbox(dir.resolve("outbox"));
        InventoryPublisher publisher = new InventoryPublisher(
                options,
                outbox,
                link,
                Clock.systemUTC(),
                () -> Optional.of(gateway),
                () -> Optional.of(inventoryOf(gateway.record)));

        assertFalse(publisher.publishInventory(), "enrolled, but the key is not reachable yet");
        publisher.retryIfWaiting();
        assertEquals(List.of(), outbox.pending());

        gateway.identity = leaf.entry();
        publisher.retryIfWaiting();
        List<Outbox.Entry> pending = outbox.pending();
        assertEquals(1, pending.size());
        assertEquals(GatewayEnvelope.TYPE_INVENTORY, pending.get(0).topicLevel());
        GatewayEnvelope.Verified v = GatewayEnvelope.verify(
                pending.get(0).compactJws().getBytes(StandardCharsets.US_ASCII),
                GatewayEnvelope.TYPE_INVENTORY,
                GW,
                Set.of(new TrustAnchor(ca.certificate(), null)),
                Instant.now());
        assertEquals(leaf.chain().get(0), v.signer());

        publisher.retryIfWaiting();
        assertEquals(pending, outbox.pending(), "signed once: nothing is due any more");
    }
}
