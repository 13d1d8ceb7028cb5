package io.keywarden.monitor.internal.observe;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.api.monitor.SensorActivity;

/**
 * What the gateway itself sees of each sensor on the channel: requests per second over a sliding second, endpoints,
 * source address, certificate. Kept apart from what sensors report about themselves.
 */
public final class ActivityTracker {
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final Clock clock;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    public ActivityTracker(Clock clock) {
        this.clock = clock;
    }

    private static final class Device {
        final String id;
        String serial;
        String source;
        Instant lastSeen;
        long requests;
        final ArrayDeque<Long> lastSecond = new ArrayDeque<>();
        final Map<String, Long> endpoints = new TreeMap<>();
        Instant lastReport;

        Device(String id) {
            this.id = id;
        }
    }

    /** What one request changed: the rate including it, and the previous source when it differs. */
    public record Seen(int requestsLastSecond, Optional<String> previousSource) {}

    public Seen request(String deviceId, String serial, String source, String endpoint, long nanos) {
        Device d = devices.computeIfAbsent(deviceId, Device::new);
        synchronized (d) {
            Optional<String> previous =
                    d.source != null && !d.source.equals(source) ? Optional.of(d.source) : Optional.empty();
            d.serial = serial;
            d.source = source;
            d.lastSeen = clock.instant();
            d.requests++;
            d.endpoints.merge(endpoint, 1L, Long::sum);
            d.lastSecond.addLast(nanos);
            while (!d.lastSecond.isEmpty() && nanos - d.lastSecond.peekFirst() >= SECOND_NANOS) {
                d.lastSecond.removeFirst();
            }
            return new Seen(d.lastSecond.size(), previous);
        }
    }

    public void reported(String deviceId) {
        Device d = devices.computeIfAbsent(deviceId, Device::new);
        synchronized (d) {
            d.lastReport = clock.instant();
        }
    }

    /** When the device last sent a valid report, or was first seen without one. */
    public Optional<Instant> lastReport(String deviceId) {
        Device d = devices.get(deviceId);
        if (d == null) {
            return Optional.empty();
        }
        synchronized (d) {
            return Optional.ofNullable(d.lastReport != null ? d.lastReport : d.lastSeen);
        }
    }

    /** A device the channel has heard: its serial and its last report (or its first request, before any report). */
    public record Heard(String deviceId, String serial, Instant last) {}

    /**
     * Every device heard, unordered: what the once-a-second silence check needs, without the copies of
     * {@link #snapshot} (each device's endpoint counts, a sorted list).
     */
    public List<Heard> heard() {
        List<Heard> out = new ArrayList<>(devices.size());
        for (Device d : devices.values()) {
            synchronized (d) {
                out.add(new Heard(d.id, d.serial, d.lastReport != null ? d.lastReport : d.lastSeen));
            }
        }
        return out;
    }

    public List<String> deviceIds() {
        return new ArrayList<>(devices.keySet());
    }

    public List<SensorActivity> snapshot() {
        List<SensorActivity> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Device d : devices.values()) {
            synchronized (d) {
                int recent = (int) d.lastSecond.stream()
                        .filter(t -> now - t < SECOND_NANOS)
                        .count();
                out.add(new SensorActivity(
                        d.id,
                        d.serial,
                        d.source,
                        d.lastSeen,
                        d.requests,
                        recent,
                        Map.copyOf(d.endpoints),
                        d.lastReport));
            }
        }
        out.sort((a, b) -> a.deviceId().compareTo(b.deviceId()));
        return out;
    }

    /** Forgets a device's history (a lifted quarantine starts afresh). */
    public void forget(String deviceId) {
        devices.remove(deviceId);
    }
}
