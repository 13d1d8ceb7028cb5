package io.keywarden.api.fleet.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A connection the platform owns that can carry fleet messages. The fleet component opens one channel at a time;
 * the transport calls the listener when the connection is (re)established and for every message that matches a
 * filter the channel subscribed to.
 */
@ProviderType
public interface FleetTransport {

    /** Service property naming the kind of transport, e.g. {@link #TYPE_KURA_CLOUD}. */
    String PROPERTY_TYPE = "keywarden.fleet.transport";

    /** {@link #PROPERTY_TYPE} of the transport over Kura's CloudPublisher and CloudSubscriber services. */
    String TYPE_KURA_CLOUD = "kura-cloud";

    /**
     * Opens a channel. The listener may be called at once (from another thread) if the connection is already up.
     *
     * @param listener told about connections and messages until the channel is closed
     * @return the channel; never null
     */
    FleetChannel open(FleetTransportListener listener);
}
