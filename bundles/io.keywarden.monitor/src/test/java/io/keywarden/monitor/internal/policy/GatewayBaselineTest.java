package io.keywarden.monitor.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.keywarden.api.monitor.BundleInfo;
import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.api.monitor.ProcessInfo;
import io.keywarden.api.monitor.SocketInfo;

class GatewayBaselineTest {
    private final GatewaySnapshot snapshot = new GatewaySnapshot(
            Instant.EPOCH,
            List.of(
                    new ProcessInfo(1, "/usr/bin/java", "aa", "java -jar keywarden.jar"),
                    new ProcessInfo(2, "/tmp/miner", "bb", "/tmp/miner --pool x"),
                    new ProcessInfo(3, null, null, "[kthreadd]")),
            List.of(
                    new SocketInfo("tcp", "0.0.0.0", 8443, "0.0.0.0", 0, "LISTEN", 10, 1),
                    new SocketInfo("tcp6", "::", 4444, "::", 0, "LISTEN", 11, 2),
                    new SocketInfo("tcp", "10.0.0.2", 50000, "10.0.0.9", 443, "ESTABLISHED", 12, 1),
                    new SocketInfo("udp", "0.0.0.0", 53, "0.0.0.0", 0, "UNCONN", 13, 1)),
            List.of(
                    new BundleInfo(5, "io.keywarden.monitor", "0.1.0", "file:/x.jar", "ACTIVE", "cc"),
                    new BundleInfo(6, "evil", "1.0.0", "file:/y.jar", "ACTIVE", "dd")));

    @Test
    void flagsWhatTheBaselineDoesNotAllowAndOnlyThat() {
        GatewayBaseline b = new GatewayBaseline(Set.of("aa"), Set.of("tcp:8443", "53"), Set.of("cc"));
        List<Finding> f = b.evaluate(snapshot);
        assertEquals(
                List.of(Rule.GATEWAY_UNKNOWN_EXECUTABLE, Rule.GATEWAY_UNKNOWN_LISTENER, Rule.GATEWAY_UNKNOWN_BUNDLE),
                f.stream().map(Finding::rule).toList());
        assertEquals("/tmp/miner", f.get(0).evidence().get("executable"));
        assertEquals("tcp:4444", f.get(1).evidence().get("listener"));
        assertEquals("evil 1.0.0", f.get(2).evidence().get("bundle"));
        assertEquals(List.of(), GatewayBaseline.NONE.evaluate(snapshot));
    }

    @Test
    void learningProposesWhatTheGatewayRan() {
        Learner l = new Learner();
        l.gateway(snapshot);
        GatewayBaseline proposed = l.gatewayProposal();
        assertEquals(Set.of("aa", "bb"), proposed.executables());
        assertEquals(Set.of("tcp:8443", "tcp:4444", "udp:53"), proposed.listeners());
        assertEquals(List.of(), proposed.evaluate(snapshot));
    }
}
