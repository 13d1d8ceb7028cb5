package org.eclipse.kura.cloudconnection.listener;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a published message was delivered. */
@ConsumerType
public interface CloudDeliveryListener {

    void onMessageConfirmed(String messageId);
}
