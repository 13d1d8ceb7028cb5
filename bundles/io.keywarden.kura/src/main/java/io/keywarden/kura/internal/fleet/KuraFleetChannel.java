package io.keywarden.kura.internal.fleet;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.transport.FleetChannel;
import io.keywarden.api.fleet.transport.FleetTransportListener;

/**
 * The fleet component's channel on the Kura cloud transport. Listener calls run on the transport's own thread, never
 * on Kura's callback threads: a slow fleet component cannot stall Kura's cloud connection.
 */
final class KuraFleetChannel implements FleetChannel {
    private static final Logger LOG = LoggerFactory.getLogger(KuraFleetChannel.class);

    /** Enough for every filter the fleet component uses; a bound, since a channel is a caller's to fill. */
    private static final int MAX_FILTERS = 16;

    private final KuraFleetTransport transport;
    private final FleetTransportListener listener;
    private final Executor callbacks;
    private final Set<String> filters = new CopyOnWriteArraySet<>();
    private final AtomicBoolean everConnected = new AtomicBoolean();
    private volatile boolean closed;

    KuraFleetChannel(KuraFleetTransport transport, FleetTransportListener listener, Executor callbacks) {
        this.transport = transport;
        this.listener = listener;
        this.callbacks = callbacks;
    }

    @Override
    public boolean publish(String topic, byte[] payload, Runnable onDelivered) {
        return !closed
                && transport.publish(topic, payload, () -> {
                    if (!closed) {
                        run(onDelivered);
                    }
                });
    }

    @Override
    public void subscribe(String topicFilter) {
        if (filters.size() >= MAX_FILTERS && !filters.contains(topicFilter)) {
            throw new IllegalStateException("more than " + MAX_FILTERS + " fleet topic filters");
        }
        filters.add(topicFilter);
    }

    @Override
    public boolean isConnected() {
        return !closed && transport.isConnected();
    }

    @Override
    public void close() {
        closed = true;
        transport.closed(this);
    }

    /** The cloud connection is (or may be) up: the fleet component subscribes and sends what waits. */
    void connected() {
        if (!closed) {
            boolean reconnect = everConnected.getAndSet(true);
            run(() -> listener.connected(reconnect));
        }
    }

    /** A message from Kura's subscriber: delivered only when it is on a topic this channel asked for. */
    void arrived(FleetMessages.Received message) {
        if (closed) {
            return;
        }
        if (filters.stream().noneMatch(f -> FleetMessages.matches(f, message.topic()))) {
            LOG.debug("Dropped a cloud message on {}: no fleet subscription matches it", message.topic());
            return;
        }
        run(() -> listener.message(message.topic(), message.payload()));
    }

    private void run(Runnable r) {
        try {
            callbacks.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("Fleet component failed on a cloud transport callback: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException stopping) {
            // the transport is deactivating
        }
    }
}
