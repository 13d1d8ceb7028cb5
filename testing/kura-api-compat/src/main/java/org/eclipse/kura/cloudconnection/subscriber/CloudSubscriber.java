package org.eclipse.kura.cloudconnection.subscriber;

import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.osgi.annotation.versioning.ProviderType;

/** Delivers the messages of the subscription it is configured with to its listeners. */
@ProviderType
public interface CloudSubscriber {

    void registerCloudSubscriberListener(CloudSubscriberListener listener);

    void unregisterCloudSubscriberListener(CloudSubscriberListener listener);

    void registerCloudConnectionListener(CloudConnectionListener cloudConnectionListener);

    void unregisterCloudConnectionListener(CloudConnectionListener cloudConnectionListener);
}
