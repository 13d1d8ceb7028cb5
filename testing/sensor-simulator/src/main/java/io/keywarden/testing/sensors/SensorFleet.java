package io.keywarden.testing.sensors;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sensors reporting on their own threads at a heartbeat (a report and a reading each beat), counting what the gateway
 * answered. A sensor taken out with {@link #pause} stops reporting (the benchmark and the silent profile use it).
 */
public final class SensorFleet implements AutoCloseable {
    private final Map<String, SimulatedSensor> sensors = new LinkedHashMap<>();
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> paused = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final Duration heartbeat;

    /** Answers one sensor got so far. */
    public static final class Counts {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile String last = "";

        public long accepted() {
            return accepted.get();
        }

        public long refused() {
            return refused.get();
        }

        public long failed() {
            return failed.get();
        }

        public String last() {
            return last;
        }
    }

    public SensorFleet(List<SimulatedSensor> members, Duration heartbeat) {
        for (SimulatedSensor s : members) {
            sensors.put(s.deviceId(), s);
            counts.put(s.deviceId(), new Counts());
        }
        this.heartbeat = heartbeat;
        this.executor = Executors.newScheduledThreadPool(Math.max(1, Math.min(members.size(), 8)), r -> {
            Thread t = new Thread(r, "simulated-sensor");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        long spread = heartbeat.toMillis() / Math.max(1, sensors.size());
        long delay = 0;
        for (SimulatedSensor s : sensors.values()) {
            executor.scheduleAtFixedRate(() -> beat(s), delay, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            delay += spread;
        }
    }

    private void beat(SimulatedSensor s) {
        if (paused.getOrDefault(s.deviceId(), false)) {
            return;
        }
        synchronized (s) {
            record(s, s.report());
            record(s, s.sendData(20 + Math.random()));
        }
    }

    private void record(SimulatedSensor s, ChannelClient.Result r) {
        Counts c = counts.get(s.deviceId());
        if (r.isSuccess()) {
            c.accepted.incrementAndGet();
        } else if (r.isRefused()) {
            c.refused.incrementAndGet();
        } else {
            c.failed.incrementAndGet();
        }
        c.last = r.toString();
    }

    /** Stops a sensor's heartbeat and hands it to the caller, e.g. to act maliciously on the caller's thread. */
    public SimulatedSensor pause(String deviceId) {
        paused.put(deviceId, true);
        SimulatedSensor s = sensors.get(deviceId);
        synchronized (s) {
            return s; // a beat under way has finished once the lock is ours
        }
    }

    public SimulatedSensor sensor(String deviceId) {
        return sensors.get(deviceId);
    }

    public Counts counts(String deviceId) {
        return counts.get(deviceId);
    }

    public Map<String, SimulatedSensor> sensors() {
        return sensors;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sensors.values().forEach(SimulatedSensor::close);
    }
}
