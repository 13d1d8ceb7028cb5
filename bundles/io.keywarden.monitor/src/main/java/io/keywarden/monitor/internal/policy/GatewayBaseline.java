package io.keywarden.monitor.internal.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.keywarden.api.monitor.BundleInfo;
import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.api.monitor.ProcessInfo;
import io.keywarden.api.monitor.SocketInfo;

/**
 * What the gateway itself may run and listen on: executable hashes, listening ports ({@code tcp:8443}, {@code udp:53}
 * or a bare port for both), bundle content hashes. An empty set leaves that aspect unchecked. Processes whose
 * executable cannot be read (other users', kernel threads) and bundles whose content cannot be read are not judged.
 */
public record GatewayBaseline(Set<String> executables, Set<String> listeners, Set<String> bundles) {

    public GatewayBaseline {
        executables = Set.copyOf(executables);
        listeners = Set.copyOf(listeners);
        bundles = Set.copyOf(bundles);
    }

    public static final GatewayBaseline NONE = new GatewayBaseline(Set.of(), Set.of(), Set.of());

    /** Both baselines' entries. */
    public GatewayBaseline plus(GatewayBaseline other) {
        Set<String> e = new TreeSet<>(executables);
        e.addAll(other.executables);
        Set<String> l = new TreeSet<>(listeners);
        l.addAll(other.listeners);
        Set<String> b = new TreeSet<>(bundles);
        b.addAll(other.bundles);
        return new GatewayBaseline(e, l, b);
    }

    public boolean isEmpty() {
        return executables.isEmpty() && listeners.isEmpty() && bundles.isEmpty();
    }

    public List<Finding> evaluate(GatewaySnapshot snapshot) {
        List<Finding> out = new ArrayList<>();
        if (!executables.isEmpty()) {
            for (ProcessInfo p : snapshot.processes()) {
                if (p.sha256() != null && !executables.contains(p.sha256())) {
                    out.add(new Finding(
                            Rule.GATEWAY_UNKNOWN_EXECUTABLE,
                            Map.of(
                                    "pid",
                                    Long.toString(p.pid()),
                                    "executable",
                                    p.executable(),
                                    "sha256",
                                    p.sha256(),
                                    "command",
                                    abbreviate(p.commandLine())),
                            p.sha256()));
                }
            }
        }
        if (!listeners.isEmpty()) {
            for (SocketInfo s : snapshot.sockets()) {
                String proto = s.protocol().startsWith("tcp") ? "tcp" : "udp";
                boolean listening = "tcp".equals(proto) ? "LISTEN".equals(s.state()) : "UNCONN".equals(s.state());
                if (listening
                        && !listeners.contains(proto + ":" + s.localPort())
                        && !listeners.contains(Integer.toString(s.localPort()))) {
                    out.add(new Finding(
                            Rule.GATEWAY_UNKNOWN_LISTENER,
                            Map.of(
                                    "listener",
                                    proto + ":" + s.localPort(),
                                    "address",
                                    s.localAddress(),
                                    "pid",
                                    Long.toString(s.pid())),
                            proto + ":" + s.localPort()));
                }
            }
        }
        if (!bundles.isEmpty()) {
            for (BundleInfo b : snapshot.bundles()) {
                if (b.sha256() != null && !bundles.contains(b.sha256())) {
                    out.add(new Finding(
                            Rule.GATEWAY_UNKNOWN_BUNDLE,
                            Map.of(
                                    "bundle",
                                    b.symbolicName() + " " + b.version(),
                                    "location",
                                    b.location(),
                                    "sha256",
                                    b.sha256(),
                                    "state",
                                    b.state()),
                            b.sha256()));
                }
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
