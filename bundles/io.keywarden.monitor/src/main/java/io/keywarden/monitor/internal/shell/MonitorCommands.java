package io.keywarden.monitor.internal.shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;

import io.keywarden.api.monitor.BundleInfo;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.ProcessInfo;
import io.keywarden.api.monitor.SensorActivity;
import io.keywarden.api.monitor.SocketInfo;

/**
 * Gogo commands (scope {@code keywarden}): incidents, quarantined, quarantine, release, sensors, gateway, baseline,
 * approve. Each returns the text to print.
 */
public final class MonitorCommands {
    public static final String[] FUNCTIONS = {
        "incidents", "quarantined", "quarantine", "release", "sensors", "gateway", "baseline", "approve"
    };

    /** What the shell needs beyond the public service: the operator's quarantine and the learning-mode baseline. */
    public interface Baselines {
        boolean quarantine(String deviceId, String reason);

        String proposedBaseline();

        Path approveBaseline() throws IOException;

        boolean learning();
    }

    private final DeviceMonitor monitor;
    private final Baselines baselines;

    public MonitorCommands(DeviceMonitor monitor, Baselines baselines) {
        this.monitor = monitor;
        this.baselines = baselines;
    }

    /** keywarden:incidents — every incident, oldest first. */
    public String incidents() {
        List<Incident> all = monitor.getIncidents();
        if (all.isEmpty()) {
            return "no incidents";
        }
        StringJoiner out = new StringJoiner("\n");
        for (Incident i : all) {
            out.add(String.format(
                    "%s  %-8s %-16s %-20s %-10s %s%s",
                    i.getDecidedAt(),
                    i.getSeverity(),
                    i.getRule(),
                    i.getDeviceId(),
                    i.getAction(),
                    i.getEvidence(),
                    i.getRevocationTicketId().map(t -> " ticket " + t).orElse("")));
        }
        return out.toString();
    }

    /** keywarden:quarantined — devices refused on the sensor channel. */
    public String quarantined() {
        return monitor.getQuarantinedDevices().isEmpty()
                ? "no device is quarantined"
                : String.join("\n", monitor.getQuarantinedDevices());
    }

    /** keywarden:quarantine DEVICE REASON... — takes a device off the channel now. */
    public String quarantine(String deviceId, String... reason) {
        return baselines.quarantine(deviceId, String.join(" ", reason))
                ? deviceId + " quarantined"
                : deviceId + " was already quarantined";
    }

    /** keywarden:release DEVICE REASON... — lifts a quarantine (a revoked certificate stays refused). */
    public String release(String deviceId, String... reason) {
        String why = reason.length == 0 ? "lifted by an operator" : String.join(" ", reason);
        return monitor.liftQuarantine(deviceId, why) ? deviceId + " released" : deviceId + " was not quarantined";
    }

    /** keywarden:sensors — what the gateway saw of each sensor on the channel. */
    public String sensors() {
        List<SensorActivity> all = monitor.getSensorActivity();
        if (all.isEmpty()) {
            return "no sensor has used the channel "
                    + monitor.getChannelAddress().map(String::valueOf).orElse("");
        }
        StringJoiner out = new StringJoiner("\n");
        for (SensorActivity a : all) {
            out.add(String.format(
                            "%-20s serial %s from %s, %d requests (%d in the last second), last %s, report %s, %s",
                            a.deviceId(),
                            a.serial(),
                            a.lastSource(),
                            a.requests(),
                            a.requestsLastSecond(),
                            a.lastSeen(),
                            a.lastReportAt() == null
                                    ? "never"
                                    : a.lastReportAt().toString(),
                            a.endpoints())
                    + (monitor.isQuarantined(a.deviceId()) ? "  QUARANTINED" : ""));
        }
        return out.toString();
    }

    /** keywarden:gateway — the gateway's processes, sockets and bundles now. */
    public String gateway() {
        GatewaySnapshot s = monitor.observeGateway();
        StringJoiner out = new StringJoiner("\n");
        out.add("processes (" + s.processes().size() + "):");
        for (ProcessInfo p : s.processes()) {
            out.add(String.format(
                    "  %7d %s %s  %s",
                    p.pid(), shortHash(p.sha256()), p.executable(), abbreviate(p.commandLine(), 80)));
        }
        out.add("sockets (" + s.sockets().size() + "):");
        for (SocketInfo k : s.sockets()) {
            out.add(String.format(
                    "  %-4s %-11s %s:%d -> %s:%d pid %d",
                    k.protocol(),
                    k.state(),
                    k.localAddress(),
                    k.localPort(),
                    k.remoteAddress(),
                    k.remotePort(),
                    k.pid()));
        }
        out.add("bundles (" + s.bundles().size() + "):");
        for (BundleInfo b : s.bundles()) {
            out.add(String.format(
                    "  %3d %-10s %s %s %s", b.id(), b.state(), b.symbolicName(), b.version(), shortHash(b.sha256())));
        }
        return out.toString();
    }

    /** keywarden:baseline — what learning mode recorded so far, as a policy file. */
    public String baseline() {
        return (baselines.learning() ? "" : "(learning mode is off; this is what was recorded while it was on)\n")
                + baselines.proposedBaseline();
    }

    /** keywarden:approve — the recorded baseline becomes the policy of its classes. */
    public String approve() throws IOException {
        return "baseline approved and saved to " + baselines.approveBaseline()
                + (baselines.learning() ? "; set learning.mode=false to enforce it" : "");
    }

    private static String shortHash(String h) {
        return h == null ? "-" : h.substring(0, 12);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
