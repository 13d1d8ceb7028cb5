package io.keywarden.fleet.internal.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.FleetEvents;

/**
 * Refused messages and log incidents, reported without letting a flood of them flood the log, the events and the
 * audit they feed: per gateway and kind at most {@link #BURST} reports per {@link #PERIOD}, the ones collapsed beyond
 * that counted in the next report ({@code suppressed}). Every one is counted ({@link #count}). At most {@link #MAX_KEYS} gateway/kind pairs
 * are tracked (topic ids come from anyone who can publish); beyond that they share one.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final int BURST = 5;
    static final int MAX_KEYS = 1024;

    private record Window(Instant start, int reported, long suppressed) {}

    private final Clock clock;
    private final BiConsumer<String, Map<String, ?>> events;
    private final Map<String, Window> windows = new HashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    Refusals(Clock clock, BiConsumer<String, Map<String, ?>> events) {
        this.clock = clock;
        this.events = events;
    }

    /** A message refused before or after verification: {@code INVENTORY_REJECTED}. */
    void refused(String topic, String gatewayId, String why) {
        report(FleetEvents.TOPIC_INVENTORY_REJECTED, "refused", topic, gatewayId, why, Map.of());
    }

    /** A gap, fork or rewrite in a gateway's signed log: {@code LOG_INCIDENT}. */
    void incident(String topic, String gatewayId, String kind, long seq, String why) {
        report(
                FleetEvents.TOPIC_LOG_INCIDENT,
                kind,
                topic,
                gatewayId,
                why,
                Map.of(FleetEvents.PROPERTY_INCIDENT, kind, FleetEvents.PROPERTY_SEQUENCE, seq));
    }

    /** How many of this kind ({@code refused}, {@code GAP}, {@code FORK}, {@code REWRITE}) were seen. */
    long count(String kind) {
        AtomicLong c = counts.get(kind);
        return c == null ? 0 : c.get();
    }

    private synchronized void report(
            String eventTopic, String kind, String topic, String gatewayId, String why, Map<String, ?> extra) {
        long total = counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        String key = windows.size() < MAX_KEYS || windows.containsKey(gatewayId + " " + kind)
                ? gatewayId + " " + kind
                : "* " + kind;
        Instant now = clock.instant();
        Window w = windows.get(key);
        long suppressed = w == null ? 0 : w.suppressed();
        if (w == null || !now.isBefore(w.start().plus(PERIOD))) {
            w = new Window(now, 0, suppressed);
        }
        if (w.reported() >= BURST) {
            windows.put(key, new Window(w.start(), w.reported(), suppressed + 1));
            return;
        }
        windows.put(key, new Window(w.start(), w.reported() + 1, 0));
        if ("refused".equals(kind)) {
            LOG.warn(
                    "Refused a message on {} ({} refused in all, {} like it collapsed): {}",
                    topic,
                    total,
                    suppressed,
                    why);
        } else {
            LOG.error(
                    "Incident {} in the issuance log of {} ({} in all, {} collapsed): {}",
                    kind,
                    gatewayId,
                    total,
                    suppressed,
                    why);
        }
        Map<String, Object> p = new LinkedHashMap<>(extra);
        p.put(FleetEvents.PROPERTY_GATEWAY_ID, gatewayId);
        p.put(FleetEvents.PROPERTY_MQTT_TOPIC, topic);
        p.put(FleetEvents.PROPERTY_ERROR, why);
        p.put(FleetEvents.PROPERTY_COUNT, total);
        p.put(FleetEvents.PROPERTY_SUPPRESSED, suppressed);
        events.accept(eventTopic, p);
    }
}
