package io.keywarden.broker.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A device on the broker's mutual-TLS listener (Paho, as a Java sensor or gateway would connect). */
final class Device implements AutoCloseable {
    final String name;
    private final MqttClient client;
    private final CountDownLatch lost = new CountDownLatch(1);
    private volatile long lostAtNanos;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private Device(String name, MqttClient client) {
        this.name = name;
        this.client = client;
    }

    /** Connects (the broker may still end the session at once: see {@link #awaitLost}). */
    static Device connect(String url, String name, SSLContext tls) throws MqttException {
        MqttClient c = new MqttClient(url, name + "-" + System.nanoTime(), new MemoryPersistence());
        // a session the broker ends during CONNECT must not hang the test
        c.setTimeToWait(5_000);
        Device d = new Device(name, c);
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                d.lostAtNanos = System.nanoTime();
                d.lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                d.received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 0 in these tests
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(tls.getSocketFactory());
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        o.setAutomaticReconnect(false);
        c.connect(o);
        return d;
    }

    void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 0);
    }

    void publish(String topic, String text) throws MqttException {
        client.publish(topic, text.getBytes(StandardCharsets.UTF_8), 0, false);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    /** True when the broker ended the session within the wait; {@link #lostAtNanos()} says when. */
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
            // the broker may have closed it already
        }
    }
}
