package io.keywarden.demo.servers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A device's MQTT session over mutual TLS, noting when the broker ends it. */
final class DeviceSession implements AutoCloseable {
    private final MqttClient client;
    private final CountDownLatch lost = new CountDownLatch(1);
    private volatile long lostAtNanos;

    private DeviceSession(MqttClient client) {
        this.client = client;
    }

    static DeviceSession connect(String url, String name, SSLContext tls) throws MqttException {
        return connect(url, name, tls, 5_000);
    }

    /** As {@link #connect(String, String, SSLContext)}, waiting at most {@code waitMillis} for each answer. */
    static DeviceSession connect(String url, String name, SSLContext tls, long waitMillis) throws MqttException {
        MqttClient c = new MqttClient(url, name + "-" + System.nanoTime(), new MemoryPersistence());
        c.setTimeToWait(waitMillis);
        DeviceSession s = new DeviceSession(c);
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                s.lostAtNanos = System.nanoTime();
                s.lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // devices here only publish
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 0
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(tls.getSocketFactory());
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        c.connect(o);
        return s;
    }

    void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 0, false);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    boolean awaitLost(long millis) throws InterruptedException {
        return lost.await(millis, TimeUnit.MILLISECONDS);
    }

    long lostAtNanos() {
        return lostAtNanos;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(500);
            }
            client.close(true);
        } catch (MqttException ignored) {
            // already closed by the broker
        }
    }
}
