package io.keywarden.kura.internal.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.junit.jupiter.api.Test;

/** A fleet message counts as delivered only once Kura confirms its id, even when the confirmation comes first. */
class PublisherBindingTest {
    private static final byte[] BODY = "x".getBytes(StandardCharsets.US_ASCII);

    @Test
    void deliveredOnlyOnItsOwnConfirmation() {
        Publisher p = new Publisher(false);
        PublisherBinding b = new PublisherBinding(p, "inventory");
        AtomicInteger delivered = new AtomicInteger();
        assertTrue(b.publish(FleetMessages.toKura("keywarden/f/inventory/gw", BODY), delivered::incrementAndGet));
        assertEquals(0, delivered.get());
        b.onMessageConfirmed("99");
        assertEquals(0, delivered.get());
        b.onMessageConfirmed("1");
        assertEquals(1, delivered.get());
        b.onMessageConfirmed("1");
        assertEquals(1, delivered.get());
        assertEquals(0, b.pending());
    }

    @Test
    void aConfirmationDuringPublishIsNotLost() throws Exception {
        Publisher p = new Publisher(true);
        PublisherBinding b = new PublisherBinding(p, "inventory");
        p.confirmTo = b;
        AtomicInteger delivered = new AtomicInteger();
        assertTrue(b.publish(FleetMessages.toKura("keywarden/f/inventory/gw", BODY), delivered::incrementAndGet));
        p.confirmer.join();
        assertEquals(1, delivered.get());
    }

    @Test
    void aRefusedMessageIsNotDelivered() {
        Publisher p = new Publisher(false);
        p.refuse = true;
        PublisherBinding b = new PublisherBinding(p, "inventory");
        AtomicInteger delivered = new AtomicInteger();
        assertFalse(b.publish(FleetMessages.toKura("keywarden/f/inventory/gw", BODY), delivered::incrementAndGet));
        assertEquals(0, delivered.get());
        assertEquals(0, b.pending());
    }

    @Test
    void pendingConfirmationsAreBounded() {
        PublisherBinding b = new PublisherBinding(new Publisher(false), "inventory");
        for (int i = 0; i < PublisherBinding.MAX_PENDING + 10; i++) {
            b.publish(FleetMessages.toKura("keywarden/f/inventory/gw", BODY), () -> {});
        }
        assertEquals(PublisherBinding.MAX_PENDING, b.pending());
    }

    /** Numbers messages from 1, as Kura's data service does; can confirm from another thread while publish runs. */
    private static final class Publisher implements CloudPublisher {
        private final boolean confirmAtOnce;
        final List<KuraMessage> published = new ArrayList<>();
        volatile PublisherBinding confirmTo;
        volatile Thread confirmer;
        boolean refuse;

        Publisher(boolean confirmAtOnce) {
            this.confirmAtOnce = confirmAtOnce;
        }

        @Override
        public String publish(KuraMessage message) throws KuraException {
            if (refuse) {
                throw new KuraException(KuraErrorCode.NOT_CONNECTED);
            }
            published.add(message);
            String id = String.valueOf(published.size());
            if (confirmAtOnce) {
                confirmer = new Thread(() -> confirmTo.onMessageConfirmed(id));
                confirmer.start();
                // let the confirmation run as far as it can before the id is returned: without the binding's lock it
                // would finish (and find nothing pending); with it, it waits for the lock
                while (confirmer.getState() != Thread.State.BLOCKED
                        && confirmer.getState() != Thread.State.TERMINATED) {
                    Thread.onSpinWait();
                }
            }
            return id;
        }

        @Override
        public void registerCloudConnectionListener(CloudConnectionListener l) {}

        @Override
        public void unregisterCloudConnectionListener(CloudConnectionListener l) {}

        @Override
        public void registerCloudDeliveryListener(CloudDeliveryListener l) {}

        @Override
        public void unregisterCloudDeliveryListener(CloudDeliveryListener l) {}
    }
}
