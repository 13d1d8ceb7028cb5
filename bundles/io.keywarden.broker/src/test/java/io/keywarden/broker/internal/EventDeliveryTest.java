package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.testing.pki.Issued;

/**
 * EventAdmin delivers an event to its handlers one after another on one thread (Felix EventAdmin 1.6 for an
 * asynchronous event; Equinox's event dispatcher likewise), so a handler that works through a thousand identities
 * there holds back every handler after it: the fleet's notice publisher waited 27-37 s behind the broker
 * containment's decisions for a compromised gateway's 1,001 certificates in P3, and Felix denies a handler that
 * takes longer than its 5 s timeout any later event. The component must take the event and return; the decisions
 * follow on its own thread, in order.
 */
class EventDeliveryTest extends BrokerTestBase {

    @Test
    void anAcceptedRevocationIsTakenAtOnceAndItsIdentitiesAreContainedAfterwards() throws Exception {
        MosquittoContainment c = containment();
        CountDownLatch inventoryAnswers = new CountDownLatch(1);
        // an inventory that cannot answer yet (a database busy elsewhere): the work behind the event is held up
        CertificateInventory slow = new OneRecord(record(sensor7), inventoryAnswers);
        BrokerComponent component = new BrokerComponent(c, List.of(slow));
        try {
            Event accepted = new Event(
                    RevocationEvents.TOPIC_ACCEPTED,
                    Map.of(RevocationEvents.PROPERTY_TICKET_ID, "t-1", RevocationEvents.PROPERTY_SERIALS, new String[] {
                        sensor7.serialHex()
                    }));
            // returns while the inventory still cannot answer: nothing of the work runs on EventAdmin's thread
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> component.handleEvent(accepted));
            assertEquals(java.util.Set.of(), c.contained(), "decided before the inventory answered");

            inventoryAnswers.countDown();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> c.contained().equals(java.util.Set.of(cn(sensor7))));
            RefusedInputsTest.awaitAudit(c, "disableClient: ok");
        } finally {
            inventoryAnswers.countDown();
            component.stopEvents();
        }
    }

    private static CertificateRecord record(Issued leaf) {
        return CertificateRecord.builder()
                .deviceId("sensor-7")
                .kind(DeviceKind.SENSOR)
                .identifiers(List.of(cn(leaf)))
                .serial(leaf.serialHex())
                .notBefore(leaf.certificate().getNotBefore().toInstant())
                .notAfter(leaf.certificate().getNotAfter().toInstant())
                .chain(List.of(leaf.certificate()))
                .accountUrl("https://ca.test/acct/1")
                .keyCustody(KeyCustody.DEVICE)
                .status(CertificateStatus.CURRENT)
                .issuedAt(Instant.now())
                .build();
    }

    /** One record, served once {@code ready} is open. */
    private static final class OneRecord implements CertificateInventory {
        private final CertificateRecord record;
        private final CountDownLatch ready;

        OneRecord(CertificateRecord record, CountDownLatch ready) {
            this.record = record;
            this.ready = ready;
        }

        @Override
        public List<CertificateRecord> getAll() {
            return List.of(record);
        }

        @Override
        public List<CertificateRecord> getByDevice(String deviceId) {
            return deviceId.equals(record.getDeviceId()) ? List.of(record) : List.of();
        }

        @Override
        public Optional<CertificateRecord> getBySerial(String serial) {
            try {
                ready.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            return serial.equals(record.getSerial()) ? Optional.of(record) : Optional.empty();
        }
    }
}
