package io.keywarden.monitor.internal;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.observe.ActivityTracker;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.Finding;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.policy.Rule;

/**
 * The silence rule. Every sensor the gateway enrolled (a CURRENT certificate in the inventory) is expected to report:
 * one that has not used the channel since the monitor started is silent once its class's allowed silence has passed
 * since the monitor's start or its enrollment, whichever is later. A sensor the channel has seen is judged by its
 * last report (or request), as before; activity is in memory, so a restart counts from the start again.
 */
final class SilenceWatch {
    private static final Logger LOG = LoggerFactory.getLogger(SilenceWatch.class);
    /** Reading every certificate record costs; enrollments are rare next to heartbeats. */
    static final Duration ROSTER_REFRESH = Duration.ofSeconds(5);

    /** Gets the finding acted on (the component hands it to containment). */
    interface Responder {
        void silent(String deviceId, String serial, Finding finding, ResponseAction action, Instant now);
    }

    private final ActivityTracker activity;
    private final CertificateInventory inventory;
    private final Predicate<String> quarantined;
    private final Supplier<Policy> policy;
    private final Responder responder;
    private final Clock clock;
    private final Instant started;
    /** Devices whose expectation restarts later than their enrollment (a lifted quarantine). */
    private final Map<String, Instant> restartedAt = new ConcurrentHashMap<>();

    private List<CertificateRecord> roster = List.of();
    private Instant rosterAt;

    SilenceWatch(
            ActivityTracker activity,
            CertificateInventory inventory,
            Predicate<String> quarantined,
            Supplier<Policy> policy,
            Responder responder,
            Clock clock) {
        this.activity = requireNonNull(activity, "activity");
        this.inventory = requireNonNull(inventory, "inventory");
        this.quarantined = requireNonNull(quarantined, "quarantined");
        this.policy = requireNonNull(policy, "policy");
        this.responder = requireNonNull(responder, "responder");
        this.clock = requireNonNull(clock, "clock");
        this.started = clock.instant();
    }

    /** The device is expected afresh from now (its history was forgotten). */
    void restart(String deviceId) {
        restartedAt.put(deviceId, clock.instant());
    }

    /** One pass over every expected sensor; called every second by the component's executor. */
    void check() {
        Instant now = clock.instant();
        Policy p = policy.get();
        Map<String, Expectation> expected = new LinkedHashMap<>();
        for (CertificateRecord r : roster(now)) {
            Instant since = later(started, r.getIssuedAt());
            since = later(since, restartedAt.getOrDefault(r.getDeviceId(), since));
            expected.put(r.getDeviceId(), new Expectation(r.getSerial(), since, false));
        }
        for (ActivityTracker.Heard h : activity.heard()) {
            expected.put(h.deviceId(), new Expectation(h.serial(), h.last() == null ? now : h.last(), true));
        }
        for (Map.Entry<String, Expectation> e : expected.entrySet()) {
            String id = e.getKey();
            Expectation x = e.getValue();
            if (quarantined.test(id)) {
                continue;
            }
            DeviceClassPolicy cls = p.classOf(id);
            Duration allowed = cls.heartbeat().multipliedBy(cls.missedHeartbeats());
            if (Duration.between(x.since, now).compareTo(allowed) > 0) {
                Map<String, String> evidence = new LinkedHashMap<>();
                evidence.put("last.report", x.seen ? x.since.toString() : "none since the monitor started");
                if (!x.seen) {
                    evidence.put("expected.since", x.since.toString());
                }
                evidence.put("allowed.silence.seconds", Long.toString(allowed.toSeconds()));
                evidence.put("class", cls.name());
                responder.silent(id, x.serial, new Finding(Rule.SILENT, evidence), p.actionFor(Rule.SILENT), now);
            }
        }
    }

    /** Sensors holding a CURRENT certificate, re-read every {@link #ROSTER_REFRESH}. */
    private List<CertificateRecord> roster(Instant now) {
        if (rosterAt == null || Duration.between(rosterAt, now).compareTo(ROSTER_REFRESH) >= 0) {
            try {
                roster = inventory.getAll().stream()
                        .filter(r -> r.getKind() == DeviceKind.SENSOR && r.getStatus() == CertificateStatus.CURRENT)
                        .toList();
            } catch (RuntimeException e) {
                LOG.warn("Cannot read the sensor roster, keeping the previous one: {}", e.toString());
            }
            rosterAt = now;
        }
        return roster;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private record Expectation(String serial, Instant since, boolean seen) {}
}
