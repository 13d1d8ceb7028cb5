package io.keywarden.support.mqtt;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Paho clients as the bundles end them: a bounded disconnect, then a forced close that frees the client's threads. */
public final class PahoClients {
    private static final Logger LOG = LoggerFactory.getLogger(PahoClients.class);
    /** A broker that does not answer the DISCONNECT must not hold up a deactivate. */
    private static final long DISCONNECT_WAIT_MS = 2_000;

    private PahoClients() {}

    /** Disconnects (waiting at most 2 s) if connected, then closes; never throws (failures are logged at DEBUG). */
    public static void close(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(DISCONNECT_WAIT_MS);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect from {}: {}", client.getServerURI(), e.toString());
        } finally {
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("Close: {}", e.toString());
            }
        }
    }
}
