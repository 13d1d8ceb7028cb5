package io.keywarden.relyingparty;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.mqtt.PahoClients;

/**
 * Feeds a {@link NoticeSubscriber} from the fleet's MQTT topic ({@code keywarden/<fleet>/revocation-notices/+},
 * retained notices arrive again on every subscription) with Eclipse Paho. Reconnects by itself; never blocks its
 * caller. Needs Paho on the class path (inside OSGi: a Paho bundle; Kura exports none). Servers that already have
 * an MQTT client call {@link NoticeSubscriber#accept(byte[])} from it instead.
 */
public final class MqttNoticeSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttNoticeSource.class);
    private static final long MAX_RETRY_MILLIS = 30_000;

    private final String brokerUrl;
    private final String topicFilter;
    private final NoticeSubscriber subscriber;
    private final MqttConnectOptions connectOptions = new MqttConnectOptions();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keywarden-notice-source");
        t.setDaemon(true);
        return t;
    });
    private MqttAsyncClient client;
    private volatile boolean closed;
    private long retryMillis = 250;

    /**
     * @param brokerUrl   {@code ssl://host:8883} or {@code tcp://...}
     * @param fleetId     the fleet id of the authority's configuration (the topic level after {@code keywarden/})
     */
    public MqttNoticeSource(String brokerUrl, String fleetId, NoticeSubscriber subscriber) {
        this.brokerUrl = requireNonNull(brokerUrl, "brokerUrl");
        this.topicFilter = "keywarden/" + requireNonNull(fleetId, "fleetId") + "/revocation-notices/+";
        this.subscriber = requireNonNull(subscriber, "subscriber");
        connectOptions.setAutomaticReconnect(true);
        connectOptions.setCleanSession(true);
        connectOptions.setMaxReconnectDelay(30_000);
    }

    /** TLS towards the broker (e.g. {@code sslContext.getSocketFactory()}). */
    public MqttNoticeSource socketFactory(SocketFactory factory) {
        connectOptions.setSocketFactory(factory);
        return this;
    }

    /** Broker credentials, when the broker asks for them; the password is never logged. */
    public MqttNoticeSource credentials(String username, char[] password) {
        connectOptions.setUserName(username);
        connectOptions.setPassword(password.clone());
        return this;
    }

    /** Connects in the background; notices then flow until {@link #close()}. */
    public synchronized MqttNoticeSource start() throws IOException {
        try {
            client = new MqttAsyncClient(brokerUrl, "keywarden-rp-" + UUID.randomUUID(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("bad broker URL " + brokerUrl + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        connect();
        return this;
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        try {
            client.connect(connectOptions, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    retryMillis = 250;
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    scheduleRetry(cause);
                }
            });
        } catch (MqttException e) {
            scheduleRetry(e);
        }
    }

    /** Paho reconnects by itself only after a first successful connection. */
    private synchronized void scheduleRetry(Throwable cause) {
        if (closed) {
            return;
        }
        LOG.warn("Cannot connect to {} ({}); retrying in {} ms", brokerUrl, String.valueOf(cause), retryMillis);
        retries.schedule(this::connect, retryMillis, TimeUnit.MILLISECONDS);
        retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
    }

    public boolean isConnected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        PahoClients.close(c);
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("Connected to {}; subscribing to {}", serverUri, topicFilter);
            try {
                client.subscribe(topicFilter, 1);
            } catch (MqttException e) {
                LOG.error("Cannot subscribe to {}: {}", topicFilter, e.toString());
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warn("Lost the connection to {}: {}; reconnecting", brokerUrl, String.valueOf(cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                subscriber.accept(message.getPayload());
            } catch (RejectedNoticeException e) {
                LOG.warn("Rejected a message on {}: {}", topic, e.getMessage());
            } catch (IOException e) {
                // nothing changed; the retained notice comes again with the next subscription
                LOG.error("Cannot record the notice on {}: {}", topic, e.getMessage());
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // this source never publishes
        }
    }
}
