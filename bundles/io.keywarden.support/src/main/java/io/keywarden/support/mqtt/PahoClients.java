package io.keywarden.support.mqtt;

import java.lang.reflect.Field;
import java.util.Timer;

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
        stopReconnecting(client);
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

    /**
     * Paho 1.2.5 cancels its automatic-reconnect timer only when a reconnect succeeds: neither disconnect nor close
     * does, so a client closed while its broker was away leaves a non-daemon "MQTT Reconnect" thread behind (seen as a
     * leftover thread after the fleet bundle was uninstalled). Paho travels privately inside each bundle that uses
     * it, so its field is ours to reach.
     */
    private static void stopReconnecting(MqttAsyncClient client) {
        try {
            Field f = MqttAsyncClient.class.getDeclaredField("reconnectTimer");
            f.setAccessible(true);
            Object timer = f.get(client);
            if (timer instanceof Timer t) {
                t.cancel();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Cannot stop Paho's reconnect timer: {}", e.toString());
        }
    }
}
