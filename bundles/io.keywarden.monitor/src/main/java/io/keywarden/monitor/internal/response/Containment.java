package io.keywarden.monitor.internal.response;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.MonitorEvents;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.policy.Finding;

/**
 * Turns findings into incidents and carries out their response: the quarantine is in force before
 * {@link #respond} returns (so the next handshake or request of the device is refused), the revocation request goes
 * out on the monitor's own thread right after and is retried until the revocation component takes it.
 */
public final class Containment {
    private static final Logger LOG = LoggerFactory.getLogger(Containment.class);
    /** An alert-only rule that keeps firing is recorded once per this period and device. */
    private static final Duration ALERT_REPEAT = Duration.ofSeconds(60);
    /** The revocation component may be restarting or its authority just being configured: retry soon, then less. */
    private static final Duration RETRY_FIRST = Duration.ofMillis(200);

    private static final Duration RETRY_MAX = Duration.ofSeconds(5);
    private static final Duration GIVE_UP = Duration.ofHours(1);

    /** Posts an EventAdmin event (or nothing, without EventAdmin). */
    @FunctionalInterface
    public interface EventSink {
        void post(String topic, Map<String, Object> properties);
    }

    /** Submits a signed revocation request for one certificate; returns the ticket id. */
    @FunctionalInterface
    public interface Revoker {
        String revoke(String serial, String deviceId) throws RevocationNotTakenException;
    }

    /** The revocation component is missing or refused the request; the message says which. */
    public static final class RevocationNotTakenException extends Exception {
        private static final long serialVersionUID = 1L;

        public RevocationNotTakenException(String message) {
            super(message);
        }
    }

    private final QuarantineStore quarantine;
    private final IncidentLog log;
    private final Revoker revoker;
    private final EventSink events;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Map<String, Instant> lastAlert = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    public Containment(
            QuarantineStore quarantine,
            IncidentLog log,
            Revoker revoker,
            EventSink events,
            Clock clock,
            ScheduledExecutorService executor) {
        this.quarantine = quarantine;
        this.log = log;
        this.revoker = revoker;
        this.events = events;
        this.clock = clock;
        this.executor = executor;
    }

    /** Records the incident and applies {@code action}; empty when a repeated alert was folded into an earlier one. */
    public Optional<Incident> respond(
            String deviceId, String serial, Finding finding, ResponseAction action, Instant observedAt) {
        String key = deviceId + "|" + finding.rule().id() + "|" + finding.subject();
        Instant now = clock.instant();
        if (action == ResponseAction.ALERT) {
            Instant last = lastAlert.get(key);
            if (last != null && Duration.between(last, now).compareTo(ALERT_REPEAT) < 0) {
                return Optional.empty();
            }
            lastAlert.put(key, now);
        }
        if (action != ResponseAction.ALERT) {
            quarantine(deviceId, finding.rule().id() + " (" + action.name().toLowerCase(Locale.ROOT) + ")");
        }
        Incident.Builder b = Incident.builder()
                .id(newId(now))
                .deviceId(deviceId)
                .serial(serial)
                .rule(finding.rule().id())
                .severity(finding.rule().severity())
                .action(action)
                .observedAt(observedAt)
                .decidedAt(clock.instant());
        finding.evidence().forEach(b::evidence);
        Incident incident = b.build();
        persist(incident);
        LOG.warn(
                "Incident {}: {} {} by {} ({}), response {}",
                incident.getId(),
                incident.getSeverity(),
                incident.getRule(),
                deviceId,
                incident.getEvidence(),
                action);
        events.post(MonitorEvents.TOPIC_INCIDENT, properties(incident));
        if (action == ResponseAction.REVOKE && serial != null) {
            executor.execute(() -> revoke(incident, clock.instant(), RETRY_FIRST));
        }
        return Optional.of(incident);
    }

    /** Quarantines without an incident (an operator's decision, or the first step of a response). */
    public boolean quarantine(String deviceId, String reason) {
        boolean added = quarantine.add(deviceId, reason);
        if (added) {
            // in force in memory already; the file (synced to disk) follows without holding up the channel
            executor.execute(this::saveQuarantine);
            events.post(
                    MonitorEvents.TOPIC_QUARANTINED,
                    Map.of(MonitorEvents.PROPERTY_DEVICE_ID, deviceId, MonitorEvents.PROPERTY_REASON, reason));
        }
        return added;
    }

    public boolean lift(String deviceId, String reason) throws IOException {
        boolean removed = quarantine.remove(deviceId);
        if (removed) {
            lastAlert.keySet().removeIf(k -> k.startsWith(deviceId + "|"));
            LOG.info("Quarantine of {} lifted: {}", deviceId, reason);
            events.post(
                    MonitorEvents.TOPIC_RELEASED,
                    Map.of(MonitorEvents.PROPERTY_DEVICE_ID, deviceId, MonitorEvents.PROPERTY_REASON, reason));
        }
        return removed;
    }

    private void revoke(Incident incident, Instant firstAttempt, Duration nextDelay) {
        String serial = incident.getSerial().orElseThrow();
        try {
            String ticket = revoker.revoke(serial, incident.getDeviceId());
            Incident updated = incident.toBuilder().revocationTicketId(ticket).build();
            persist(updated);
            LOG.info(
                    "Incident {}: revocation of {} ({}) accepted as ticket {}",
                    incident.getId(),
                    serial,
                    incident.getDeviceId(),
                    ticket);
        } catch (RevocationNotTakenException | RuntimeException e) {
            if (Duration.between(firstAttempt, clock.instant()).compareTo(GIVE_UP) > 0) {
                LOG.error(
                        "Incident {}: revocation of {} given up after {}: {}",
                        incident.getId(),
                        serial,
                        GIVE_UP,
                        e.getMessage());
                return;
            }
            LOG.warn(
                    "Incident {}: revocation of {} not taken ({}); the device stays quarantined, retrying in {} ms",
                    incident.getId(),
                    serial,
                    e.getMessage(),
                    nextDelay.toMillis());
            Duration after = nextDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : nextDelay.multipliedBy(2);
            try {
                executor.schedule(
                        () -> revoke(incident, firstAttempt, after), nextDelay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                LOG.debug("Monitor stopping; revocation of {} not retried", serial);
            }
        }
    }

    private void saveQuarantine() {
        try {
            quarantine.save();
        } catch (IOException e) {
            LOG.error(
                    "The quarantine list is in force but could not be saved (a restart would forget it): {}",
                    e.toString());
        }
    }

    private void persist(Incident incident) {
        try {
            log.append(incident);
        } catch (IOException e) {
            LOG.error("Incident {} could not be saved: {}", incident.getId(), e.toString());
        }
    }

    private String newId(Instant now) {
        return "inc-" + now.toEpochMilli() + "-" + sequence.incrementAndGet();
    }

    static Map<String, Object> properties(Incident i) {
        Map<String, Object> p = new HashMap<>();
        p.put(MonitorEvents.PROPERTY_INCIDENT_ID, i.getId());
        p.put(MonitorEvents.PROPERTY_DEVICE_ID, i.getDeviceId());
        i.getSerial().ifPresent(s -> p.put(MonitorEvents.PROPERTY_SERIAL, s));
        p.put(MonitorEvents.PROPERTY_RULE, i.getRule());
        p.put(MonitorEvents.PROPERTY_SEVERITY, i.getSeverity().name());
        p.put(MonitorEvents.PROPERTY_ACTION, i.getAction().name());
        p.put(MonitorEvents.PROPERTY_OBSERVED_AT, i.getObservedAt().toEpochMilli());
        p.put(MonitorEvents.PROPERTY_DECIDED_AT, i.getDecidedAt().toEpochMilli());
        return p;
    }
}
