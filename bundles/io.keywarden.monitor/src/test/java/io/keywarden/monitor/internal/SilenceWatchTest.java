package io.keywarden.monitor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.observe.ActivityTracker;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.Finding;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.policy.Rule;
import io.keywarden.testing.pki.TestCa;

/** The silence rule over the gateway's roster and what the channel saw, with a clock the test moves. */
class SilenceWatchTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final FakeServices.Inventory inventory = new FakeServices.Inventory();
    private final ActivityTracker activity = new ActivityTracker(clock);
    private final Set<String> quarantined = ConcurrentHashMap.newKeySet();
    private final List<String> flagged = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private TestCa pki;
    private SilenceWatch watch;

    @BeforeEach
    void setUp() throws Exception {
        pki = TestCa.root("silence-ca");
        // heartbeat 10 s, 2 may be missed: 20 s of silence allowed
        DeviceClassPolicy cls =
                new DeviceClassPolicy(Policy.DEFAULT_CLASS, Set.of(), Set.of(), Set.of(), 0, Duration.ofSeconds(10), 2);
        Policy policy =
                new Policy(Map.of(Policy.DEFAULT_CLASS, cls), Map.of(), Map.of(Rule.SILENT, ResponseAction.ALERT));
        watch = new SilenceWatch(
                activity,
                inventory,
                quarantined::contains,
                () -> policy,
                (id, serial, finding, action, now) -> {
                    flagged.add(id + "/" + serial + "/" + action);
                    findings.add(finding);
                },
                clock);
    }

    private CertificateRecord enrolled(String id, DeviceKind kind, Instant issuedAt, CertificateStatus status)
            throws Exception {
        CertificateRecord r = FakeServices.record(id, pki.issue(id), kind).toBuilder()
                .issuedAt(issuedAt)
                .status(status)
                .build();
        synchronized (inventory) {
            inventory.records.add(r);
        }
        return r;
    }

    private List<String> checkAt(long secondsAfterStart) {
        clock.now = T0.plusSeconds(secondsAfterStart);
        flagged.clear();
        findings.clear();
        watch.check();
        return List.copyOf(flagged);
    }

    @Test
    void anEnrolledSensorThatNeverConnectsIsSilentCountedFromTheLaterOfStartAndEnrollment() throws Exception {
        CertificateRecord before =
                enrolled("before", DeviceKind.SENSOR, T0.minus(Duration.ofDays(3)), CertificateStatus.CURRENT);
        enrolled("gateway", DeviceKind.GATEWAY, T0.minus(Duration.ofDays(3)), CertificateStatus.CURRENT);
        enrolled("revoked", DeviceKind.SENSOR, T0.minus(Duration.ofDays(3)), CertificateStatus.REVOKED);
        enrolled("replaced", DeviceKind.SENSOR, T0.minus(Duration.ofDays(3)), CertificateStatus.SUPERSEDED);
        assertEquals(List.of(), checkAt(20), "20 s since the monitor started: allowed");
        assertEquals(
                List.of("before/" + before.getSerial() + "/ALERT"),
                checkAt(21),
                "enrolled three days ago, silent since the monitor started 21 s ago");
        assertEquals(
                "none since the monitor started", findings.get(0).evidence().get("last.report"));
        assertEquals(T0.toString(), findings.get(0).evidence().get("expected.since"));
        assertEquals("20", findings.get(0).evidence().get("allowed.silence.seconds"));

        // enrolled while the monitor runs: counted from its enrollment (the roster is re-read every 5 s)
        CertificateRecord later = enrolled("later", DeviceKind.SENSOR, T0.plusSeconds(30), CertificateStatus.CURRENT);
        assertEquals(
                List.of(),
                checkAt(50).stream().filter(f -> f.startsWith("later/")).toList());
        assertEquals(
                List.of("later/" + later.getSerial() + "/ALERT"),
                checkAt(51).stream().filter(f -> f.startsWith("later/")).toList());
    }

    @Test
    void aSensorThatReportsIsJudgedByItsLastReportAsBefore() throws Exception {
        CertificateRecord r =
                enrolled("talker", DeviceKind.SENSOR, T0.minus(Duration.ofDays(1)), CertificateStatus.CURRENT);
        for (long t = 5; t <= 60; t += 10) {
            clock.now = T0.plusSeconds(t);
            activity.request("talker", r.getSerial(), "127.0.0.1", "/v1/report", System.nanoTime());
            activity.reported("talker");
            assertEquals(List.of(), checkAt(t + 1));
        }
        assertEquals(List.of(), checkAt(55 + 20), "20 s after its last report");
        assertEquals(List.of("talker/" + r.getSerial() + "/ALERT"), checkAt(55 + 21));
        assertEquals(T0.plusSeconds(55).toString(), findings.get(0).evidence().get("last.report"));

        // a sensor the channel saw but that is not in the roster (e.g. enrolled elsewhere) is still watched
        clock.now = T0.plusSeconds(100);
        activity.request("stranger", "abcd", "127.0.0.1", "/v1/report", System.nanoTime());
        assertEquals(
                List.of(),
                checkAt(120).stream().filter(f -> f.startsWith("stranger/")).toList());
        assertEquals(
                List.of("stranger/abcd/ALERT"),
                checkAt(121).stream().filter(f -> f.startsWith("stranger/")).toList());
    }

    @Test
    void quarantinedSensorsAreSkippedAndALiftedQuarantineStartsAfresh() throws Exception {
        enrolled("held", DeviceKind.SENSOR, T0.minus(Duration.ofDays(1)), CertificateStatus.CURRENT);
        quarantined.add("held");
        assertEquals(List.of(), checkAt(100));
        quarantined.remove("held");
        watch.restart("held");
        assertEquals(List.of(), checkAt(120), "20 s since the lift");
        assertEquals(1, checkAt(121).size());
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
