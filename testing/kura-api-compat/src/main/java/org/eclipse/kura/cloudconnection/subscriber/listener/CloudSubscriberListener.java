package org.eclipse.kura.cloudconnection.subscriber.listener;

import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.osgi.annotation.versioning.ConsumerType;

/** Told about every message a cloud subscriber receives. */
@ConsumerType
public interface CloudSubscriberListener {

    void onMessageArrived(KuraMessage message);
}
