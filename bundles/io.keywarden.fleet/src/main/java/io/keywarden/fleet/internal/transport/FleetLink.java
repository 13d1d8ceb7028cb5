package io.keywarden.fleet.internal.transport;

/**
 * The fleet component's connection to the fleet's broker, whatever carries it: its own MQTT client
 * ({@code fleet.transport=mqtt}) or a platform's {@link io.keywarden.api.fleet.transport.FleetTransport}
 * ({@code kura-cloud}). Never blocks its caller.
 */
public interface FleetLink extends AutoCloseable {

    /** Starts connecting; the listener hears {@code connected} once it is up. */
    void start();

    void subscribe(String filter);

    /**
     * Publishes retained, at least once.
     *
     * @return false when not connected (the caller keeps the message and sends it on the next connect)
     */
    boolean publish(String topic, byte[] payload, Runnable onAcknowledged);

    @Override
    void close();
}
