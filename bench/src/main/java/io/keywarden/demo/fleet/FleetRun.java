package io.keywarden.demo.fleet;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.keywarden.fleet.internal.inventory.InventoryPublisher;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * Sends a {@link SimulatedFleet}'s logs to the broker as gateways do and waits until the authority acknowledged every
 * entry. Each simulated gateway is its own MQTT client (client id = its gateway id, QoS 1, retained, on
 * {@code keywarden/<fleet>/log/<id>}), subscribes to its {@code log-ack} topic first, believes only acknowledgements
 * signed with the authority's key, sends again from the acknowledged head when asked ({@code resend}) or when nothing
 * was acknowledged for the resend period, and disconnects once its whole log is acknowledged. At most {@code window}
 * gateways report at once (a fleet does not enroll all at the same second, and a broker queues a limited number of
 * messages for one subscriber: Mosquitto's default is 1,000).
 */
public final class FleetRun {
    /** What the run measured: entries acknowledged, the time from the first publish to the last acknowledgement. */
    public record Result(long entries, Duration elapsed, long messages, long resends) {
        public double entriesPerSecond() {
            return entries / (elapsed.toNanos() / 1e9);
        }
    }

    /** Gateways connecting at the same time. */
    private static final int STARTERS = 16;

    private final String brokerUrl;
    private final String fleetId;
    private final PublicKey authorityKey;
    private final String authorityId;
    private final int window;
    private final Duration resendAfter;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();

    public FleetRun(
            String brokerUrl,
            String fleetId,
            PublicKey authorityKey,
            String authorityId,
            int window,
            Duration resendAfter) {
        this.brokerUrl = brokerUrl;
        this.fleetId = fleetId;
        this.authorityKey = authorityKey;
        this.authorityId = authorityId;
        this.window = window;
        this.resendAfter = resendAfter;
    }

    /** @throws IllegalStateException when the bound passes before every gateway's log is acknowledged */
    public Result run(SimulatedFleet fleet, Duration bound) throws InterruptedException {
        Semaphore reporting = new Semaphore(window);
        CountDownLatch done = new CountDownLatch(fleet.gateways().size());
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        // a connect and a subscribe each wait for the broker: started one after another, a loaded machine connects a
        // few gateways a second, which would measure the simulator instead of the authority
        ExecutorService starting = Executors.newFixedThreadPool(STARTERS);
        long deadline = System.nanoTime() + bound.toNanos();
        long t0 = System.nanoTime();
        try {
            for (SimulatedFleet.Gateway g : fleet.gateways()) {
                if (!reporting.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        || failure.get() != null) {
                    break;
                }
                starting.execute(() -> {
                    try {
                        new Session(g, () -> {
                                    done.countDown();
                                    reporting.release();
                                })
                                .start(timer);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        reporting.release();
                    }
                });
            }
            while (failure.get() == null && !done.await(1, TimeUnit.SECONDS)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(timeout(fleet, done, bound));
                }
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            return new Result(fleet.entries(), Duration.ofNanos(System.nanoTime() - t0), messages.get(), resends.get());
        } finally {
            starting.shutdownNow();
            timer.shutdownNow();
        }
    }

    private static String timeout(SimulatedFleet fleet, CountDownLatch done, Duration bound) {
        return (fleet.gateways().size() - done.getCount()) + " of "
                + fleet.gateways().size() + " gateways had their whole log acknowledged within " + bound.toSeconds()
                + " s";
    }

    /** One gateway's connection while it reports. */
    private final class Session {
        private final SimulatedFleet.Gateway gateway;
        private final Runnable finished;
        private final MqttAsyncClient client;
        private volatile long acknowledged;
        private volatile long progressAt = System.nanoTime();
        private volatile boolean over;

        Session(SimulatedFleet.Gateway gateway, Runnable finished) {
            this.gateway = gateway;
            this.finished = finished;
            try {
                this.client = new MqttAsyncClient(brokerUrl, gateway.id(), new MemoryPersistence());
            } catch (MqttException e) {
                throw new IllegalStateException("cannot create the MQTT client of " + gateway.id() + ": " + e, e);
            }
        }

        void start(ScheduledExecutorService timer) {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setAutomaticReconnect(false);
            o.setMaxInflight(InventoryPublisher.MAX_BATCH);
            o.setKeepAliveInterval(60);
            try {
                client.connect(o).waitForCompletion(30_000);
                client.subscribe(topic("log-ack"), 1, (t, m) -> acknowledgement(m.getPayload()))
                        .waitForCompletion(30_000);
                send(0);
            } catch (MqttException e) {
                throw new IllegalStateException("gateway " + gateway.id() + " cannot report: " + e, e);
            }
            timer.scheduleWithFixedDelay(this::resendIfStalled, 1, 1, TimeUnit.SECONDS);
        }

        private String topic(String type) {
            return "keywarden/" + fleetId + "/" + type + "/" + gateway.id();
        }

        private void send(long after) throws MqttException {
            List<String> batch = gateway.after(after);
            for (String m : batch) {
                client.publish(topic("log"), m.getBytes(StandardCharsets.US_ASCII), 1, true);
                messages.incrementAndGet();
            }
        }

        private void acknowledgement(byte[] payload) {
            LogAck ack;
            try {
                ack = LogAck.decode(payload, gateway.id(), Optional.of(authorityKey), authorityId);
            } catch (RejectedNoticeException e) {
                throw new IllegalStateException("gateway " + gateway.id() + " got a bad acknowledgement: " + e, e);
            }
            if (ack.seq() > acknowledged) {
                acknowledged = ack.seq();
                progressAt = System.nanoTime();
            }
            if (acknowledged == gateway.entries()) {
                finish();
            } else if (ack.resend()) {
                resend();
            }
        }

        private void resendIfStalled() {
            if (!over && System.nanoTime() - progressAt > resendAfter.toNanos()) {
                progressAt = System.nanoTime();
                resend();
            }
        }

        private void resend() {
            resends.incrementAndGet();
            try {
                send(acknowledged);
            } catch (MqttException e) {
                // the stall timer tries again
            }
        }

        private synchronized void finish() {
            if (over) {
                return;
            }
            over = true;
            Thread closer = new Thread(() -> {
                try {
                    client.disconnect().waitForCompletion(10_000);
                    client.close();
                } catch (MqttException e) {
                    // the run's figures do not depend on a clean disconnect
                }
            });
            closer.start();
            finished.run();
        }
    }
}
