package io.keywarden.monitor.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.channel.ChannelOptions;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.GatewayBaseline;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.policy.Rule;

/** The monitor's configuration, parsed and checked once; an invalid value names its key. */
final class MonitorOptions {
    static final String PID = "io.keywarden.monitor";
    static final String KEY_BIND = "channel.bind.address";
    static final String KEY_PORT = "channel.port";
    static final String KEY_THREADS = "channel.threads";
    static final String KEY_MAX_BYTES = "report.max.bytes";
    static final String KEY_DATA_DIR = "data.dir";
    static final String KEY_POLICY_FILE = "policy.file";
    static final String KEY_LEARNING = "learning.mode";
    static final String KEY_FIRMWARE = "baseline.firmware.sha256";
    static final String KEY_TASKS = "baseline.task.sha256";
    static final String KEY_PEERS = "baseline.peers";
    static final String KEY_RATE = "baseline.max.requests.per.second";
    static final String KEY_HEARTBEAT = "baseline.heartbeat.seconds";
    static final String KEY_MISSED = "baseline.missed.heartbeats";
    static final String KEY_AUTHORITY = "authority.id";
    static final String KEY_GW_SCAN = "gateway.scan.seconds";
    static final String KEY_GW_EXECUTABLES = "gateway.allowed.executables";
    static final String KEY_GW_LISTENERS = "gateway.allowed.listeners";
    static final String KEY_GW_BUNDLES = "gateway.allowed.bundles";

    final ChannelOptions channel;
    final Path dataDir;
    final Path policyFile;
    final boolean learning;
    final DeviceClassPolicy defaultClass;
    final Map<Rule, ResponseAction> actions;
    final String authorityId;
    final int gatewayScanSeconds;
    final GatewayBaseline gateway;

    private MonitorOptions(ChannelOptions channel, Path dataDir, Path policyFile, boolean learning,
            DeviceClassPolicy defaultClass, Map<Rule, ResponseAction> actions, String authorityId,
            int gatewayScanSeconds, GatewayBaseline gateway) {
        this.gatewayScanSeconds = gatewayScanSeconds;
        this.gateway = gateway;
        this.channel = channel;
        this.dataDir = dataDir;
        this.policyFile = policyFile;
        this.learning = learning;
        this.defaultClass = defaultClass;
        this.actions = actions;
        this.authorityId = authorityId;
    }

    /** The key of a rule's response, e.g. {@code rule.unknown.firmware.action}. */
    static String actionKey(Rule r) {
        return "rule." + r.id().replace('-', '.') + ".action";
    }

    static MonitorOptions parse(Map<String, ?> p, Path defaultDataDir, String gatewayId) {
        int port = integer(p, KEY_PORT, 8443, 0, 65535);
        ChannelOptions channel = new ChannelOptions(string(p, KEY_BIND, "0.0.0.0"), port,
                integer(p, KEY_THREADS, 16, 1, 256), integer(p, KEY_MAX_BYTES, 16384, 256, 1 << 20), 8192,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
        String dir = string(p, KEY_DATA_DIR, "");
        Path dataDir = dir.isBlank() ? defaultDataDir : Path.of(dir);
        if (dataDir == null) {
            throw new IllegalArgumentException(KEY_DATA_DIR + ": the framework has no data area, set one");
        }
        String pf = string(p, KEY_POLICY_FILE, "");
        DeviceClassPolicy dflt;
        try {
            dflt = new DeviceClassPolicy(Policy.DEFAULT_CLASS, strings(p, KEY_FIRMWARE), strings(p, KEY_TASKS),
                    strings(p, KEY_PEERS), integer(p, KEY_RATE, 20, 0, 1_000_000),
                    Duration.ofSeconds(integer(p, KEY_HEARTBEAT, 30, 1, 86_400)), integer(p, KEY_MISSED, 3, 1, 1000));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseline: " + e.getMessage(), e);
        }
        Map<Rule, ResponseAction> actions = new EnumMap<>(Rule.class);
        for (Rule r : Rule.values()) {
            if (r.aboutGateway()) {
                continue; // alerts only, see Rule#aboutGateway
            }
            String v = string(p, actionKey(r), r.defaultAction().name()).toUpperCase(Locale.ROOT);
            try {
                actions.put(r, ResponseAction.valueOf(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(actionKey(r) + ": " + v + " is not ALERT, QUARANTINE or REVOKE", e);
            }
        }
        String authority = string(p, KEY_AUTHORITY, "");
        return new MonitorOptions(channel, dataDir, pf.isBlank() ? null : Path.of(pf),
                Boolean.parseBoolean(string(p, KEY_LEARNING, "false")), dflt, actions,
                authority.isBlank() ? "monitor@" + gatewayId : authority, integer(p, KEY_GW_SCAN, 60, 0, 86_400),
                new GatewayBaseline(strings(p, KEY_GW_EXECUTABLES), strings(p, KEY_GW_LISTENERS),
                        strings(p, KEY_GW_BUNDLES)));
    }

    private static String string(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        return v == null ? dflt : v.toString().trim();
    }

    private static int integer(Map<String, ?> p, String key, int dflt, int min, int max) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        int i;
        try {
            i = v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: " + v, e);
        }
        if (i < min || i > max) {
            throw new IllegalArgumentException(key + ": " + i + " is not between " + min + " and " + max);
        }
        return i;
    }

    /** A String[], a collection, or one comma-separated string (what FileInstall's .cfg files give). */
    private static Set<String> strings(Map<String, ?> p, String key) {
        Object v = p.get(key);
        Set<String> out = new HashSet<>();
        if (v instanceof String[] a) {
            Arrays.stream(a).forEach(s -> out.addAll(split(s)));
        } else if (v instanceof Iterable<?> it) {
            it.forEach(o -> out.addAll(split(String.valueOf(o))));
        } else if (v != null) {
            out.addAll(split(v.toString()));
        }
        return out;
    }

    private static Set<String> split(String s) {
        Set<String> out = new HashSet<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonitorOptions m && m.channel.equals(channel) && Objects.equals(m.dataDir, dataDir)
                && Objects.equals(m.policyFile, policyFile) && m.learning == learning
                && m.defaultClass.equals(defaultClass) && m.actions.equals(actions) && m.authorityId.equals(authorityId)
                && m.gatewayScanSeconds == gatewayScanSeconds && m.gateway.equals(gateway);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channel, dataDir, policyFile, learning, defaultClass, actions, authorityId,
                gatewayScanSeconds, gateway);
    }
}
