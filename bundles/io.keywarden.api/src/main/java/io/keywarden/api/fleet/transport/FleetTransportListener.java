package io.keywarden.api.fleet.transport;

import org.osgi.annotation.versioning.ConsumerType;

/** What a {@link FleetTransport} tells the fleet component; called on the transport's threads. */
@ConsumerType
public interface FleetTransportListener {

    /**
     * The connection is up: subscribe and publish what waits.
     *
     * @param reconnect false the first time for this channel
     */
    void connected(boolean reconnect);

    /** A message on a topic that matches a subscribed filter. */
    void message(String topic, byte[] payload);
}
