package io.keywarden.broker.internal.mosquitto;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.SocketFactory;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.broker.BrokerAnswer;
import io.keywarden.broker.BrokerContainment;
import io.keywarden.support.mqtt.PahoClients;

/**
 * Mosquitto 2 with the dynamic-security plugin, reached as its dynsec admin (user name and password, over TLS) on a
 * listener that takes passwords. Commands go to {@code $CONTROL/dynamic-security/v1}; each batch carries correlation
 * data and waits for its answer on {@code .../response}. With the broker's log on {@code $SYS/broker/log/N}
 * ({@code log_dest topic}), a contained identity that connects again is disconnected the moment it is seen.
 */
public final class MosquittoDynsec implements BrokerContainment, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MosquittoDynsec.class);
    static final String CONTROL = "$CONTROL/dynamic-security/v1";
    static final String RESPONSE = CONTROL + "/response";
    static final String BROKER_LOG = "$SYS/broker/log/N";
    /** Mosquitto's notice for a new session: {@code ... as <client id> (p2, c1, k60, u'<user name>').} */
    private static final Pattern CONNECTED = Pattern.compile("New client connected from .* \\(.*u'(.*)'\\)\\.?$");

    private final String url;
    private final Duration answerTimeout;
    private final MqttConnectOptions connectOptions = new MqttConnectOptions();
    private final MqttAsyncClient client;
    private final Map<String, CompletableFuture<List<Object>>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong batches = new AtomicLong();
    private final String runId = UUID.randomUUID().toString();
    private volatile Predicate<String> contained = identity -> false;
    private volatile Consumer<String> reconnectSeen = identity -> {};

    public MosquittoDynsec(
            String url, String username, char[] password, SocketFactory socketFactory, Duration answerTimeout)
            throws IOException {
        this.url = requireNonNull(url, "url");
        this.answerTimeout = requireNonNull(answerTimeout, "answerTimeout");
        connectOptions.setUserName(requireNonNull(username, "username"));
        connectOptions.setPassword(requireNonNull(password, "password").clone());
        connectOptions.setAutomaticReconnect(true);
        connectOptions.setCleanSession(true);
        connectOptions.setMaxReconnectDelay(5_000);
        connectOptions.setConnectionTimeout((int) Math.max(1, answerTimeout.toSeconds()));
        if (socketFactory != null) {
            connectOptions.setSocketFactory(socketFactory);
        }
        try {
            client =
                    new MqttAsyncClient(url, "keywarden-containment-" + runId.substring(0, 8), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("bad broker URL " + url + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
    }

    /** Which identities are contained (their later sessions are ended), and who to tell when one shows up. */
    public void watchReconnects(Predicate<String> isContained, Consumer<String> seen) {
        this.contained = requireNonNull(isContained, "isContained");
        this.reconnectSeen = requireNonNull(seen, "seen");
    }

    @Override
    public String name() {
        return "mosquitto " + url;
    }

    @Override
    public BrokerAnswer disable(String identity) throws IOException {
        return run(DynsecCommands.disable(identity));
    }

    /** One request: the contained role once, then each identity's three commands, judged identity by identity. */
    @Override
    public List<BrokerAnswer> disableAll(List<String> identities) throws IOException {
        if (identities.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> commands = DynsecCommands.disableAll(identities);
        return DynsecAnswers.judgeEach(commands, exchange(commands), 1, DynsecCommands.PER_DISABLED_IDENTITY);
    }

    @Override
    public BrokerAnswer enable(String identity) throws IOException {
        return run(DynsecCommands.enable(identity));
    }

    /** Ends the live sessions of a contained identity that connected again (no state change at the broker). */
    public BrokerAnswer kick(String identity) throws IOException {
        return run(List.of(Map.of("command", "disableClient", "username", identity)));
    }

    /** Sends one raw batch of dynamic-security commands and judges the answer (setup tools and tests). */
    public BrokerAnswer run(List<Map<String, Object>> commands) throws IOException {
        return DynsecAnswers.judge(commands, exchange(commands));
    }

    /** Sends one batch and returns the broker's responses to it. */
    private List<Object> exchange(List<Map<String, Object>> commands) throws IOException {
        connectIfNeeded();
        String correlation = runId + "-" + batches.incrementAndGet();
        CompletableFuture<List<Object>> answer = new CompletableFuture<>();
        waiting.put(correlation, answer);
        try {
            client.publish(
                    CONTROL, DynsecCommands.toJson(commands, correlation).getBytes(StandardCharsets.UTF_8), 1, false);
            return answer.get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (MqttException e) {
            throw new IOException("cannot send to " + CONTROL + ": " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IOException("no answer on " + RESPONSE + " within " + answerTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException("answer unreadable: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the broker", e);
        } finally {
            waiting.remove(correlation);
        }
    }

    private synchronized void connectIfNeeded() throws IOException {
        if (client.isConnected()) {
            return;
        }
        try {
            client.connect(connectOptions).waitForCompletion(answerTimeout.toMillis());
            // subscribed before the first command goes out, or its answer could pass unheard
            client.subscribe(new String[] {RESPONSE, BROKER_LOG}, new int[] {1, 0})
                    .waitForCompletion(answerTimeout.toMillis());
        } catch (MqttException e) {
            // Paho's reason code (e.g. 4/5: bad user name or password, not authorized); never the credential itself
            throw new IOException(
                    "cannot connect to " + url + " as " + connectOptions.getUserName() + ": " + e.getMessage()
                            + " (reason " + e.getReasonCode() + ")",
                    e);
        }
    }

    /** Connects now if the broker is there, so the first decision does not wait for TLS and CONNECT. */
    public void warmUp() {
        try {
            connectIfNeeded();
        } catch (IOException e) {
            LOG.warn("Broker not reached yet: {}", e.getMessage());
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        PahoClients.close(client);
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("Connected to {} as the dynamic-security admin {}", serverUri, connectOptions.getUserName());
            if (!reconnect) {
                return;
            }
            try {
                client.subscribe(new String[] {RESPONSE, BROKER_LOG}, new int[] {1, 0});
            } catch (MqttException e) {
                LOG.error("Cannot subscribe to {}: {}", RESPONSE, e.toString());
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warn("Lost the connection to {}: {}", url, String.valueOf(cause));
            waiting.values().forEach(f -> f.completeExceptionally(new IOException("connection lost")));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (RESPONSE.equals(topic)) {
                DynsecAnswers.dispatch(message.getPayload(), waiting);
            } else if (BROKER_LOG.equals(topic)) {
                Matcher m = CONNECTED.matcher(new String(message.getPayload(), StandardCharsets.UTF_8).trim());
                if (m.find() && contained.test(m.group(1))) {
                    reconnectSeen.accept(m.group(1));
                }
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // answers arrive on the response topic
        }
    }
}
