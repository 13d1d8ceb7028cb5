package io.keywarden.itests;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.cloudconnection.subscriber.CloudSubscriber;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.eclipse.kura.message.KuraPayload;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A Kura "raw MQTT" cloud connection as test services over a real broker: publishers and subscribers behave as Kura's
 * {@code RawMqttPublisher} / {@code RawMqttSubscriber} do (facts from Kura's sources): a publisher sends the payload's
 * body, unchanged, to the one topic it is configured with (message properties do not change the topic) and returns
 * the MQTT message id, which its {@link CloudDeliveryListener}s get once the broker acknowledged it (QoS 1); a
 * subscriber delivers a message whose payload body is the MQTT payload and whose property {@code topic} is the MQTT
 * topic. Unlike Kura's data service, which keeps messages published while offline in its own store, this endpoint
 * refuses them (NOT_CONNECTED): the stricter case for the caller's outbox.
 */
final class KuraCloudFakes {

    private KuraCloudFakes() {}

    /** The connection (Kura: the CloudEndpoint with its DataService and MqttDataTransport). */
    static final class Endpoint implements AutoCloseable {
        private final MqttAsyncClient client;
        private final Set<CloudConnectionListener> connectionListeners = new CopyOnWriteArraySet<>();
        private final Map<String, Set<CloudSubscriberListener>> subscriptions = new ConcurrentHashMap<>();

        Endpoint(String brokerUrl, String clientId) throws MqttException {
            client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
            client.setCallback(new MqttCallbackExtended() {
                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                    subscriptions.keySet().forEach(Endpoint.this::subscribe);
                    connectionListeners.forEach(CloudConnectionListener::onConnectionEstablished);
                }

                @Override
                public void connectionLost(Throwable cause) {
                    connectionListeners.forEach(CloudConnectionListener::onConnectionLost);
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    KuraPayload payload = new KuraPayload();
                    payload.setBody(message.getPayload());
                    KuraMessage m = new KuraMessage(payload, Map.of("topic", topic));
                    subscriptions.forEach((filter, listeners) -> {
                        if (MqttTopic.isMatched(filter, topic)) {
                            listeners.forEach(l -> l.onMessageArrived(m));
                        }
                    });
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // per-publish listeners report deliveries
                }
            });
        }

        void connect() throws MqttException {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setAutomaticReconnect(true);
            client.connect(o).waitForCompletion(10_000);
        }

        boolean isConnected() {
            return client.isConnected();
        }

        String publish(String topic, byte[] body, int qos, boolean retain, CloudDeliveryListener delivered)
                throws KuraException {
            if (!client.isConnected()) {
                throw new KuraException(KuraErrorCode.NOT_CONNECTED);
            }
            try {
                IMqttDeliveryToken token = client.publish(topic, body, qos, retain, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken t) {
                        delivered.onMessageConfirmed(String.valueOf(t.getMessageId()));
                    }

                    @Override
                    public void onFailure(IMqttToken t, Throwable e) {
                        // no confirmation: the caller publishes it again
                    }
                });
                return qos == 0 ? null : String.valueOf(token.getMessageId());
            } catch (MqttException e) {
                throw new KuraException(KuraErrorCode.NOT_CONNECTED, e);
            }
        }

        void register(String filter, CloudSubscriberListener listener) {
            subscriptions
                    .computeIfAbsent(filter, f -> new CopyOnWriteArraySet<>())
                    .add(listener);
            if (client.isConnected()) {
                subscribe(filter);
            }
        }

        void unregister(CloudSubscriberListener listener) {
            subscriptions.values().forEach(s -> s.remove(listener));
        }

        private void subscribe(String filter) {
            try {
                client.subscribe(filter, 1);
            } catch (MqttException e) {
                throw new IllegalStateException("subscribe " + filter, e);
            }
        }

        void addConnectionListener(CloudConnectionListener l) {
            connectionListeners.add(l);
        }

        void removeConnectionListener(CloudConnectionListener l) {
            connectionListeners.remove(l);
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        }
    }

    /** Kura's RawMqttPublisher: a fixed topic, QoS and retain flag from its configuration. */
    static final class Publisher implements CloudPublisher {
        private final Endpoint endpoint;
        private final String topic;
        private final Set<CloudDeliveryListener> deliveryListeners = new CopyOnWriteArraySet<>();

        Publisher(Endpoint endpoint, String topic) {
            this.endpoint = endpoint;
            this.topic = topic;
        }

        @Override
        public String publish(KuraMessage message) throws KuraException {
            byte[] body = message.getPayload().getBody();
            if (body == null) {
                throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "missing message body");
            }
            return endpoint.publish(
                    topic, body, 1, true, id -> deliveryListeners.forEach(l -> l.onMessageConfirmed(id)));
        }

        @Override
        public void registerCloudConnectionListener(CloudConnectionListener l) {
            endpoint.addConnectionListener(l);
        }

        @Override
        public void unregisterCloudConnectionListener(CloudConnectionListener l) {
            endpoint.removeConnectionListener(l);
        }

        @Override
        public void registerCloudDeliveryListener(CloudDeliveryListener l) {
            deliveryListeners.add(l);
        }

        @Override
        public void unregisterCloudDeliveryListener(CloudDeliveryListener l) {
            deliveryListeners.remove(l);
        }
    }

    /** Kura's RawMqttSubscriber: one topic filter from its configuration, QoS 1. */
    static final class Subscriber implements CloudSubscriber {
        private final Endpoint endpoint;
        private final String filter;

        Subscriber(Endpoint endpoint, String filter) {
            this.endpoint = endpoint;
            this.filter = filter;
        }

        @Override
        public void registerCloudSubscriberListener(CloudSubscriberListener listener) {
            endpoint.register(filter, listener);
        }

        @Override
        public void unregisterCloudSubscriberListener(CloudSubscriberListener listener) {
            endpoint.unregister(listener);
        }

        @Override
        public void registerCloudConnectionListener(CloudConnectionListener l) {
            endpoint.addConnectionListener(l);
        }

        @Override
        public void unregisterCloudConnectionListener(CloudConnectionListener l) {
            endpoint.removeConnectionListener(l);
        }
    }
}
