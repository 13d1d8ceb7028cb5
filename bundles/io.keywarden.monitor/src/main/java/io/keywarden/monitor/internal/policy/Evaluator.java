package io.keywarden.monitor.internal.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keywarden.monitor.internal.report.StatusReport;

/** Holds a report, or the gateway's own count of a sensor's requests, against the baseline of its class. */
public final class Evaluator {

    private Evaluator() {}

    public static List<Finding> evaluate(DeviceClassPolicy policy, StatusReport report) {
        List<Finding> out = new ArrayList<>();
        StatusReport.Firmware fw = report.firmware();
        if (!policy.firmware().isEmpty() && !policy.firmware().contains(fw.sha256())) {
            out.add(new Finding(
                    Rule.UNKNOWN_FIRMWARE,
                    Map.of(
                            "firmware",
                            fw.name() + " " + fw.version(),
                            "firmware.sha256",
                            fw.sha256(),
                            "class",
                            policy.name())));
        }
        if (!policy.tasks().isEmpty()) {
            for (StatusReport.Task t : report.tasks()) {
                if (!policy.tasks().contains(t.sha256())) {
                    out.add(new Finding(
                            Rule.UNKNOWN_TASK,
                            Map.of("task", t.name(), "task.sha256", t.sha256(), "class", policy.name())));
                    break;
                }
            }
        }
        if (!policy.peers().isEmpty()) {
            for (StatusReport.Peer p : report.peers()) {
                if (!policy.allowsPeer(p.host(), p.port())) {
                    Map<String, String> ev = new LinkedHashMap<>();
                    ev.put("peer", p.endpoint());
                    ev.put("protocol", p.protocol());
                    ev.put("messages", Long.toString(p.messages()));
                    ev.put("bytes", Long.toString(p.bytes()));
                    ev.put("class", policy.name());
                    out.add(new Finding(Rule.FORBIDDEN_PEER, ev));
                    break;
                }
            }
        }
        return out;
    }

    /** The rate rule: {@code perSecond} is what the gateway counted, not what the sensor says. */
    public static List<Finding> rate(DeviceClassPolicy policy, int perSecond, String endpoint) {
        if (policy.maxRequestsPerSecond() == 0 || perSecond <= policy.maxRequestsPerSecond()) {
            return List.of();
        }
        return List.of(new Finding(
                Rule.RATE_EXCEEDED,
                Map.of(
                        "requests.per.second",
                        Integer.toString(perSecond),
                        "limit",
                        Integer.toString(policy.maxRequestsPerSecond()),
                        "endpoint",
                        endpoint,
                        "class",
                        policy.name())));
    }
}
