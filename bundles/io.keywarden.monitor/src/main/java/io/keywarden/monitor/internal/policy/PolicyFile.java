package io.keywarden.monitor.internal.policy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.keywarden.monitor.internal.report.ReportException;
import io.keywarden.monitor.internal.report.StrictJson;

/**
 * The JSON policy file: device classes and which device is in which class.
 *
 * <pre>
 * { "classes": { "thermometer": { "firmware": ["&lt;sha256&gt;"], "tasks": [], "peers": ["10.0.0.5:8883", "ntp.example:*"],
 *                                 "maxRequestsPerSecond": 20, "heartbeatSeconds": 10, "missedHeartbeats": 3 } },
 *   "devices": { "sensor-1": "thermometer" },
 *   "gateway": { "executables": ["&lt;sha256&gt;"], "listeners": ["tcp:8443"], "bundles": ["&lt;sha256&gt;"] } }
 * </pre>
 *
 * Every member of a class is optional; missing ones take the values of {@code base}.
 */
public final class PolicyFile {

    private PolicyFile() {}

    public record Content(
            Map<String, DeviceClassPolicy> classes, Map<String, String> devices, GatewayBaseline gateway) {}

    public static Content parse(String json, DeviceClassPolicy base) throws ReportException {
        Map<String, Object> root = map(StrictJson.parse(json), "policy");
        for (String k : root.keySet()) {
            if (!k.equals("classes") && !k.equals("devices") && !k.equals("gateway")) {
                throw new ReportException("policy: unknown member \"" + k + "\"");
            }
        }
        Map<String, DeviceClassPolicy> classes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e :
                map(root.getOrDefault("classes", Map.of()), "classes").entrySet()) {
            classes.put(e.getKey(), deviceClass(e.getKey(), map(e.getValue(), "classes." + e.getKey()), base));
        }
        Map<String, String> devices = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e :
                map(root.getOrDefault("devices", Map.of()), "devices").entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ReportException("devices." + e.getKey() + " must be a class name");
            }
            devices.put(e.getKey(), s);
        }
        GatewayBaseline gateway = GatewayBaseline.NONE;
        if (root.containsKey("gateway")) {
            Map<String, Object> g = map(root.get("gateway"), "gateway");
            for (String k : g.keySet()) {
                if (!Set.of("executables", "listeners", "bundles").contains(k)) {
                    throw new ReportException("gateway: unknown member \"" + k + "\"");
                }
            }
            gateway = new GatewayBaseline(
                    strings(g, "executables", "gateway", Set.of()),
                    strings(g, "listeners", "gateway", Set.of()),
                    strings(g, "bundles", "gateway", Set.of()));
        }
        return new Content(classes, devices, gateway);
    }

    private static DeviceClassPolicy deviceClass(String name, Map<String, Object> m, DeviceClassPolicy base)
            throws ReportException {
        String where = "classes." + name;
        for (String k : m.keySet()) {
            if (!Set.of("firmware", "tasks", "peers", "maxRequestsPerSecond", "heartbeatSeconds", "missedHeartbeats")
                    .contains(k)) {
                throw new ReportException(where + ": unknown member \"" + k + "\"");
            }
        }
        try {
            return new DeviceClassPolicy(
                    name,
                    strings(m, "firmware", where, base.firmware()),
                    strings(m, "tasks", where, base.tasks()),
                    strings(m, "peers", where, base.peers()),
                    (int) number(m, "maxRequestsPerSecond", where, base.maxRequestsPerSecond()),
                    Duration.ofSeconds(number(
                            m, "heartbeatSeconds", where, base.heartbeat().toSeconds())),
                    (int) number(m, "missedHeartbeats", where, base.missedHeartbeats()));
        } catch (IllegalArgumentException e) {
            throw new ReportException(where + ": " + e.getMessage());
        }
    }

    /** The classes as a policy file an operator can read, edit and load again. */
    public static String write(
            Map<String, DeviceClassPolicy> classes, Map<String, String> devices, GatewayBaseline gateway) {
        Map<String, Object> cs = new LinkedHashMap<>();
        for (DeviceClassPolicy c : classes.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("firmware", new TreeSet<>(c.firmware()));
            m.put("tasks", new TreeSet<>(c.tasks()));
            m.put("peers", new TreeSet<>(c.peers()));
            m.put("maxRequestsPerSecond", c.maxRequestsPerSecond());
            m.put("heartbeatSeconds", c.heartbeat().toSeconds());
            m.put("missedHeartbeats", c.missedHeartbeats());
            cs.put(c.name(), m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("classes", cs);
        root.put("devices", devices);
        if (!gateway.isEmpty()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("executables", new TreeSet<>(gateway.executables()));
            g.put("listeners", new TreeSet<>(gateway.listeners()));
            g.put("bundles", new TreeSet<>(gateway.bundles()));
            root.put("gateway", g);
        }
        return StrictJson.write(root);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v, String where) throws ReportException {
        if (!(v instanceof Map)) {
            throw new ReportException(where + " must be an object");
        }
        return (Map<String, Object>) v;
    }

    private static Set<String> strings(Map<String, Object> m, String key, String where, Set<String> dflt)
            throws ReportException {
        if (!m.containsKey(key)) {
            return dflt;
        }
        if (!(m.get(key) instanceof List<?> l)) {
            throw new ReportException(where + "." + key + " must be an array of strings");
        }
        Set<String> out = new TreeSet<>();
        for (Object o : l) {
            if (!(o instanceof String s)) {
                throw new ReportException(where + "." + key + " must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    private static long number(Map<String, Object> m, String key, String where, long dflt) throws ReportException {
        if (!m.containsKey(key)) {
            return dflt;
        }
        if (!(m.get(key) instanceof BigDecimal n)) {
            throw new ReportException(where + "." + key + " must be a number");
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new ReportException(where + "." + key + " must be a whole number");
        }
    }
}
