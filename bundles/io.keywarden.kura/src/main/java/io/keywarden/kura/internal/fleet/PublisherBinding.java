package io.keywarden.kura.internal.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound CloudPublisher and the confirmations it owes. Kura returns a message id from {@code publish} and later
 * confirms that id to its {@link CloudDeliveryListener}s (QoS 1 and 2); ids are per cloud connection, so each
 * publisher keeps its own. A confirmation may arrive before {@code publish} returned: both run under this object's lock.
 */
final class PublisherBinding implements CloudDeliveryListener {
    private static final Logger LOG = LoggerFactory.getLogger(PublisherBinding.class);

    /**
     * Confirmations kept at most. Beyond that the oldest is forgotten; its message stays in the fleet outbox and is
     * published again at the next connection, which receivers tolerate.
     */
    static final int MAX_PENDING = 1024;

    private final CloudPublisher publisher;
    private final String use;
    private final Map<String, Runnable> pending = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Runnable> eldest) {
            return size() > MAX_PENDING;
        }
    };
    private boolean warnedQos0;

    PublisherBinding(CloudPublisher publisher, String use) {
        this.publisher = publisher;
        this.use = use;
    }

    CloudPublisher publisher() {
        return publisher;
    }

    /** @return false when Kura refused the message (nothing to confirm; the outbox keeps it) */
    boolean publish(KuraMessage message, Runnable onDelivered) {
        String id;
        synchronized (this) {
            try {
                id = publisher.publish(message);
            } catch (KuraException | RuntimeException e) {
                LOG.warn(
                        "The {} CloudPublisher refused a fleet message: {}; it waits in the outbox",
                        use,
                        e.getMessage());
                return false;
            }
            if (id != null) {
                pending.put(id, onDelivered);
                return true;
            }
            if (!warnedQos0) {
                warnedQos0 = true;
                LOG.warn(
                        "The {} CloudPublisher publishes with QoS 0: Kura confirms nothing, so fleet messages count as "
                                + "delivered once Kura took them. Set its QoS to 1",
                        use);
            }
        }
        onDelivered.run();
        return true;
    }

    @Override
    public void onMessageConfirmed(String messageId) {
        Runnable r;
        synchronized (this) {
            r = pending.remove(messageId);
        }
        if (r != null) {
            r.run();
        }
    }

    /** Confirmations still owed; for tests. */
    synchronized int pending() {
        return pending.size();
    }
}
