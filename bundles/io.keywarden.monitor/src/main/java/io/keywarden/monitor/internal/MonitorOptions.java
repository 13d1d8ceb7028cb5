package io.keywarden.monitor.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.channel.ChannelOptions;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.GatewayBaseline;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.policy.Rule;
import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;

/** The monitor's configuration, parsed and checked once; an invalid value names its key. */
final class MonitorOptions {
    static final String PID = "io.keywarden.monitor";
    static final String KEY_BIND = "channel.bind.address";
    static final String KEY_PORT = "channel.port";
    static final String KEY_THREADS = "channel.threads";
    static final String KEY_MAX_BYTES = "report.max.bytes";
    static final String KEY_PER_SOURCE = "channel.max.connections.per.source";
    static final String KEY_PER_DEVICE = "channel.max.connections.per.device";
    static final String KEY_HANDSHAKE = "channel.handshake.seconds";
    static final String KEY_REQUEST = "channel.request.seconds";
    static final String KEY_IDLE = "channel.idle.seconds";
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

    private MonitorOptions(
            ChannelOptions channel,
            Path dataDir,
            Path policyFile,
            boolean learning,
            DeviceClassPolicy defaultClass,
            Map<Rule, ResponseAction> actions,
            String authorityId,
            int gatewayScanSeconds,
            GatewayBaseline gateway) {
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

    static MonitorOptions parse(Map<String, ?> properties, Path defaultDataDir, String gatewayId)
            throws InvalidConfigurationException {
        ConfigValues p = new ConfigValues(properties);
        ChannelOptions channel = new ChannelOptions(
                p.string(KEY_BIND, "0.0.0.0"),
                p.integer(KEY_PORT, 8443, 0, 65535),
                p.integer(KEY_THREADS, 16, 1, 256),
                p.integer(KEY_MAX_BYTES, 16384, 256, 1 << 20),
                8192,
                Duration.ofSeconds(p.integer(KEY_HANDSHAKE, 10, 1, 300)),
                Duration.ofSeconds(p.integer(KEY_REQUEST, 10, 1, 300)),
                Duration.ofSeconds(p.integer(KEY_IDLE, 60, 1, 86_400)),
                p.integer(KEY_PER_SOURCE, 64, 1, 1_000_000),
                p.integer(KEY_PER_DEVICE, 4, 1, 1000));
        Path dataDir = p.path(KEY_DATA_DIR).orElse(defaultDataDir);
        if (dataDir == null) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "the framework has no data area, set one");
        }
        DeviceClassPolicy dflt = new DeviceClassPolicy(
                Policy.DEFAULT_CLASS,
                p.strings(KEY_FIRMWARE),
                p.strings(KEY_TASKS),
                p.strings(KEY_PEERS),
                p.integer(KEY_RATE, 20, 0, 1_000_000),
                Duration.ofSeconds(p.integer(KEY_HEARTBEAT, 30, 1, 86_400)),
                p.integer(KEY_MISSED, 3, 1, 1000));
        Map<Rule, ResponseAction> actions = new EnumMap<>(Rule.class);
        for (Rule r : Rule.values()) {
            if (!r.aboutGateway()) { // gateway rules alert only, see Rule#aboutGateway
                actions.put(r, p.enumValue(actionKey(r), ResponseAction.class, r.defaultAction()));
            }
        }
        return new MonitorOptions(
                channel,
                dataDir,
                p.path(KEY_POLICY_FILE).orElse(null),
                p.bool(KEY_LEARNING, false),
                dflt,
                actions,
                p.string(KEY_AUTHORITY, "monitor@" + gatewayId),
                p.integer(KEY_GW_SCAN, 60, 0, 86_400),
                new GatewayBaseline(
                        p.strings(KEY_GW_EXECUTABLES), p.strings(KEY_GW_LISTENERS), p.strings(KEY_GW_BUNDLES)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonitorOptions m
                && m.channel.equals(channel)
                && Objects.equals(m.dataDir, dataDir)
                && Objects.equals(m.policyFile, policyFile)
                && m.learning == learning
                && m.defaultClass.equals(defaultClass)
                && m.actions.equals(actions)
                && m.authorityId.equals(authorityId)
                && m.gatewayScanSeconds == gatewayScanSeconds
                && m.gateway.equals(gateway);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                channel,
                dataDir,
                policyFile,
                learning,
                defaultClass,
                actions,
                authorityId,
                gatewayScanSeconds,
                gateway);
    }
}
