package io.keywarden.monitor.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.report.ReportException;
import io.keywarden.monitor.internal.report.ReportParser;
import io.keywarden.testing.sensors.Reports;

class PolicyTest {
    private final DeviceClassPolicy base =
            new DeviceClassPolicy(Policy.DEFAULT_CLASS, Set.of(), Set.of(), Set.of(), 20, Duration.ofSeconds(30), 3);

    @Test
    void aPolicyFileAddsClassesAndAssignsDevices() throws Exception {
        PolicyFile.Content c = PolicyFile.parse(
                "{\"classes\":{\"thermo\":{\"firmware\":[\"" + Reports.FIRMWARE_SHA256
                        + "\"],\"peers\":[\"broker.sensors.test:*\"],\"heartbeatSeconds\":5}},\"devices\":{\"s1\":\"thermo\"}}",
                base);
        Policy p = new Policy(
                        Map.of(Policy.DEFAULT_CLASS, base), Map.of(), Map.of(Rule.SILENT, ResponseAction.QUARANTINE))
                .overlay(c.classes(), c.devices());
        assertEquals("thermo", p.classOf("s1").name());
        assertEquals(Policy.DEFAULT_CLASS, p.classOf("s2").name());
        assertEquals(Duration.ofSeconds(5), p.classOf("s1").heartbeat());
        assertEquals(20, p.classOf("s1").maxRequestsPerSecond(), "missing members take the base values");
        assertTrue(p.classOf("s1").allowsPeer("broker.sensors.test", 1883));
        assertEquals(ResponseAction.QUARANTINE, p.actionFor(Rule.SILENT));
        assertEquals(ResponseAction.REVOKE, p.actionFor(Rule.UNKNOWN_FIRMWARE));
    }

    @Test
    void aPolicyFileWithMistakesIsRefused() {
        assertThrows(ReportException.class, () -> PolicyFile.parse("{\"classes\":{\"x\":{\"firmwar\":[]}}}", base));
        assertThrows(
                ReportException.class, () -> PolicyFile.parse("{\"classes\":{\"x\":{\"heartbeatSeconds\":0}}}", base));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Policy(Map.of(Policy.DEFAULT_CLASS, base), Map.of("s1", "nope"), Map.of()));
    }

    @Test
    void evaluationFindsEachDeviationAndOnlyThose() throws Exception {
        DeviceClassPolicy cls = new DeviceClassPolicy(
                "thermo",
                Set.copyOf(Reports.baselineFirmware()),
                Set.copyOf(Reports.baselineTasks()),
                Set.copyOf(Reports.baselinePeers()),
                10,
                Duration.ofSeconds(5),
                2);
        assertEquals(List.of(), Evaluator.evaluate(cls, ReportParser.parse(Reports.normal(1, 1))));
        assertEquals(
                Rule.UNKNOWN_FIRMWARE,
                Evaluator.evaluate(cls, ReportParser.parse(Reports.unknownFirmware(2)))
                        .get(0)
                        .rule());
        assertEquals(
                Rule.FORBIDDEN_PEER,
                Evaluator.evaluate(cls, ReportParser.parse(Reports.forbiddenPeer(3)))
                        .get(0)
                        .rule());
        assertEquals(List.of(), Evaluator.rate(cls, 10, "/v1/data"));
        assertEquals(
                Rule.RATE_EXCEEDED, Evaluator.rate(cls, 11, "/v1/data").get(0).rule());
        assertEquals(
                List.of(),
                Evaluator.evaluate(base, ReportParser.parse(Reports.forbiddenPeer(3))),
                "an empty baseline checks nothing");
    }

    @Test
    void learningProposesWhatWasSeenAsTheBaseline() throws Exception {
        Learner l = new Learner();
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        l.report("default", "s1", ReportParser.parse(Reports.normal(1, 1)), t);
        l.report("default", "s1", ReportParser.parse(Reports.normal(2, 1)), t.plusSeconds(10));
        l.rate("default", 4);
        Policy p = new Policy(Map.of(Policy.DEFAULT_CLASS, base), Map.of(), Map.of());
        DeviceClassPolicy proposed = l.proposal(p).get("default");
        assertEquals(Set.copyOf(Reports.baselineFirmware()), proposed.firmware());
        assertEquals(Set.copyOf(Reports.baselineTasks()), proposed.tasks());
        assertEquals(Set.copyOf(Reports.baselinePeers()), proposed.peers());
        assertEquals(Duration.ofSeconds(30), proposed.heartbeat(), "never shorter than configured");
        PolicyFile.Content back =
                PolicyFile.parse(PolicyFile.write(l.proposal(p), Map.of(), GatewayBaseline.NONE), base);
        assertEquals(proposed, back.classes().get("default"));
        Policy enforced = p.withClasses(l.proposal(p));
        assertEquals(
                Rule.UNKNOWN_FIRMWARE,
                Evaluator.evaluate(enforced.classOf("s1"), ReportParser.parse(Reports.unknownFirmware(3)))
                        .get(0)
                        .rule());
    }
}
