package io.keywarden.fleet.internal.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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

import io.keywarden.api.fleet.transport.FleetTransportListener;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.transport.FleetLink;
import io.keywarden.support.mqtt.PahoClients;

/**
 * One MQTT connection. Paho reconnects by itself only after a first successful connect, so until then this class
 * retries with capped backoff; it never blocks its caller. Unacknowledged messages are the caller's to keep (the
 * outbox): Paho's persistence stays in memory.
 */
public final class MqttLink implements FleetLink {
    private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final FleetOptions options;
    private final FleetTransportListener handler;
    private final ScheduledExecutorService scheduler;
    private final MqttAsyncClient client;
    private volatile boolean closed;
    private Duration nextRetry = FIRST_RETRY;

    public MqttLink(FleetOptions options, FleetTransportListener handler, ScheduledExecutorService scheduler)
            throws MqttException {
        this.options = options;
        this.handler = handler;
        this.scheduler = scheduler;
        this.client =
                new MqttAsyncClient(options.getBrokerUrl().toString(), options.getClientId(), new MemoryPersistence());
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                LOG.info("Connected to {} as {}", serverURI, options.getClientId());
                handler.connected(reconnect);
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("Lost the connection to {}: {}; reconnecting", options.getBrokerUrl(), String.valueOf(cause));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                handler.message(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // acknowledgements reach the per-publish listener
            }
        });
    }

    @Override
    public void start() {
        scheduler.execute(this::connect);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void subscribe(String filter) {
        try {
            client.subscribe(filter, 1);
        } catch (MqttException e) {
            LOG.warn("Cannot subscribe to {}: {}", filter, e.getMessage());
        }
    }

    /**
     * Publishes with QoS 1, retained so a gateway that connects later still gets it.
     *
     * @return false when not connected (the caller keeps the message and sends it on the next connect)
     */
    @Override
    public boolean publish(String topic, byte[] payload, Runnable onAcknowledged) {
        if (!client.isConnected()) {
            return false;
        }
        try {
            client.publish(topic, payload, 1, true, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    onAcknowledged.run();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.warn("Publishing to {} failed: {}; kept for the next connection", topic, String.valueOf(e));
                }
            });
            return true;
        } catch (MqttException e) {
            LOG.warn("Publishing to {} failed: {}; kept for the next connection", topic, e.getMessage());
            return false;
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            client.connect(connectOptions(), null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    nextRetry = FIRST_RETRY;
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    retryLater(e);
                }
            });
        } catch (MqttException | IOException | GeneralSecurityException | RuntimeException e) {
            retryLater(e);
        }
    }

    private void retryLater(Throwable cause) {
        if (closed) {
            return;
        }
        Duration wait = nextRetry;
        nextRetry = nextRetry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextRetry.multipliedBy(2);
        LOG.warn(
                "Cannot connect to {}: {}; next attempt in {} ms",
                options.getBrokerUrl(),
                String.valueOf(cause),
                wait.toMillis());
        try {
            scheduler.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // closed meanwhile
        }
    }

    private MqttConnectOptions connectOptions() throws IOException, GeneralSecurityException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay((int) MAX_RETRY.toMillis());
        // A persistent session keeps what is published while this node is away. In a share group that is wrong:
        // the broker goes on giving a dead instance's session its share of the group's messages (Mosquitto queues
        // them for it), where they would wait for an instance that may never come back; with a clean session the
        // connected instances get them. See docs/database.md, "Two authority instances".
        o.setCleanSession(options.isShared());
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(30);
        o.setMaxInflight(1000);
        options.getUsername().ifPresent(o::setUserName);
        options.getPassword().ifPresent(o::setPassword);
        if (options.getTrustAnchor().isPresent()) {
            o.setSocketFactory(sslContext(options.getTrustAnchor().get()).getSocketFactory());
        }
        return o;
    }

    private static SSLContext sslContext(Path anchor) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(anchor)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("anchor-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public void close() {
        closed = true;
        PahoClients.close(client);
    }
}
