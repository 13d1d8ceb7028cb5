package io.keywarden.api.fleet.transport;

import org.osgi.annotation.versioning.ProviderType;

/** One user's view of a {@link FleetTransport}: what it publishes and which messages it wants. */
@ProviderType
public interface FleetChannel extends AutoCloseable {

    /**
     * Hands a message to the transport. The caller keeps the message (its outbox) until {@code onDelivered} runs: a
     * message whose confirmation never comes is published again on the next connection, which receivers tolerate.
     *
     * @param topic the fleet topic, {@code keywarden/<fleet>/<kind>/<id>}
     * @param payload the signed message
     * @param onDelivered run once the far end confirmed the message (MQTT QoS 1 acknowledgement or equivalent)
     * @return false when the transport cannot take the message now (nothing was sent)
     */
    boolean publish(String topic, byte[] payload, Runnable onDelivered);

    /**
     * Asks for the messages on an MQTT topic filter ({@code +} and {@code #} wildcards). Messages that match no
     * subscribed filter are dropped by the transport, whatever its connection delivers.
     */
    void subscribe(String topicFilter);

    /** Whether the connection is known to be up. */
    boolean isConnected();

    /** Stops publishing and delivering; pending confirmations are dropped (the caller's outbox still has them). */
    @Override
    void close();
}
