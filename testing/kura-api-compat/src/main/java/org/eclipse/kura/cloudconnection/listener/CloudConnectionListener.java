package org.eclipse.kura.cloudconnection.listener;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a cloud connection goes up or down. */
@ConsumerType
public interface CloudConnectionListener {

    void onDisconnected();

    void onConnectionLost();

    void onConnectionEstablished();
}
