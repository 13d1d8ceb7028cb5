package io.keywarden.monitor.internal.policy;

import java.util.Optional;

import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.api.monitor.Severity;

/** The deviations the monitor knows, with the severity and the default response of each. */
public enum Rule {
    /** The reported firmware hash is not in the device class's baseline. */
    UNKNOWN_FIRMWARE("unknown-firmware", Severity.CRITICAL, ResponseAction.REVOKE),
    /** A reported task's hash is not in the baseline. */
    UNKNOWN_TASK("unknown-task", Severity.HIGH, ResponseAction.QUARANTINE),
    /** The sensor reports traffic with a peer or port the baseline does not allow. */
    FORBIDDEN_PEER("forbidden-peer", Severity.CRITICAL, ResponseAction.REVOKE),
    /** The gateway saw more requests per second from the sensor than the class allows. */
    RATE_EXCEEDED("rate-exceeded", Severity.HIGH, ResponseAction.QUARANTINE),
    /** No valid report for longer than the allowed number of heartbeat intervals. */
    SILENT("silent", Severity.MEDIUM, ResponseAction.ALERT),
    /** Requests with the sensor's certificate arrive from another source address than before. */
    SOURCE_CHANGED("source-changed", Severity.LOW, ResponseAction.ALERT),
    /** A process on the gateway runs an executable whose hash is not in the gateway's baseline. */
    GATEWAY_UNKNOWN_EXECUTABLE("gateway-unknown-executable", Severity.HIGH, ResponseAction.ALERT, true),
    /** A socket on the gateway listens on a port the gateway's baseline does not list. */
    GATEWAY_UNKNOWN_LISTENER("gateway-unknown-listener", Severity.HIGH, ResponseAction.ALERT, true),
    /** An OSGi bundle whose content hash is not in the gateway's baseline is installed. */
    GATEWAY_UNKNOWN_BUNDLE("gateway-unknown-bundle", Severity.HIGH, ResponseAction.ALERT, true);

    private final String id;
    private final Severity severity;
    private final ResponseAction defaultAction;
    private final boolean gateway;

    Rule(String id, Severity severity, ResponseAction defaultAction) {
        this(id, severity, defaultAction, false);
    }

    Rule(String id, Severity severity, ResponseAction defaultAction, boolean gateway) {
        this.id = id;
        this.severity = severity;
        this.defaultAction = defaultAction;
        this.gateway = gateway;
    }

    /**
     * A finding about the gateway itself. Those are alerts only: the gateway cannot quarantine or revoke itself
     * (a gateway-monitor authority may not target its gateway; the fleet authority decides on a gateway).
     */
    public boolean aboutGateway() {
        return gateway;
    }

    /** The name used in configuration keys, incidents and events. */
    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public ResponseAction defaultAction() {
        return defaultAction;
    }

    public static Optional<Rule> byId(String id) {
        for (Rule r : values()) {
            if (r.id.equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
