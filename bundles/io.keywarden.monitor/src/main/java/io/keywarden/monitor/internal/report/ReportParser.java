package io.keywarden.monitor.internal.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a status report and checks it against the schema (README, "Monitoring and containment"): every member
 * required, no unknown member, bounded strings and lists. Anything else is a {@link ReportException} whose message
 * names the offending member; the channel answers it with 400 or 422.
 */
public final class ReportParser {
    public static final String SCHEMA = "keywarden-sensor-report/1";
    public static final int MAX_TASKS = 64;
    public static final int MAX_PEERS = 128;
    private static final int MAX_NAME = 64;
    private static final int MAX_HOST = 253;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** A DNS name, an IPv4 address, or an IPv6 address in brackets (as in URLs). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]");

    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e][\\x20-\\x7e]*");

    private ReportParser() {}

    /** @throws SchemaException for valid JSON that breaks the schema; ReportException for invalid JSON */
    public static StatusReport parse(String body) throws ReportException {
        StatusReport fast = ReportReader.read(body);
        return fast != null ? fast : explain(body);
    }

    /** The tree-based check: every report the fast path did not accept, with the member or JSON error named. */
    static StatusReport explain(String body) throws ReportException {
        Object root = StrictJson.parse(body);
        Map<String, Object> r = object(root, "report");
        members(r, "report", Set.of("schema", "sequence", "software", "communication"));
        String schema = string(r, "schema", "report", 64);
        if (!SCHEMA.equals(schema)) {
            throw new SchemaException("schema must be \"" + SCHEMA + "\", not \"" + schema + "\"");
        }
        long sequence = integer(r, "sequence", "report", 0, Long.MAX_VALUE);

        Map<String, Object> software = object(r.get("software"), "software");
        members(software, "software", Set.of("firmware", "tasks"));
        Map<String, Object> fw = object(software.get("firmware"), "software.firmware");
        members(fw, "software.firmware", Set.of("name", "version", "sha256"));
        StatusReport.Firmware firmware = new StatusReport.Firmware(
                name(fw, "name", "software.firmware"),
                name(fw, "version", "software.firmware"),
                sha256(fw, "software.firmware"));
        List<StatusReport.Task> tasks = new ArrayList<>();
        List<Object> taskList = list(software.get("tasks"), "software.tasks", MAX_TASKS);
        for (int i = 0; i < taskList.size(); i++) {
            String where = "software.tasks[" + i + "]";
            Map<String, Object> t = object(taskList.get(i), where);
            members(t, where, Set.of("name", "sha256"));
            tasks.add(new StatusReport.Task(name(t, "name", where), sha256(t, where)));
        }

        Map<String, Object> comm = object(r.get("communication"), "communication");
        members(comm, "communication", Set.of("peers"));
        List<StatusReport.Peer> peers = new ArrayList<>();
        List<Object> peerList = list(comm.get("peers"), "communication.peers", MAX_PEERS);
        for (int i = 0; i < peerList.size(); i++) {
            String where = "communication.peers[" + i + "]";
            Map<String, Object> p = object(peerList.get(i), where);
            members(p, where, Set.of("host", "port", "protocol", "messages", "bytes"));
            String host = string(p, "host", where, MAX_HOST);
            if (!HOST.matcher(host).matches()) {
                throw new SchemaException(where + ".host is not a host name or address: \"" + host + "\"");
            }
            String protocol = string(p, "protocol", where, 3);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw new SchemaException(where + ".protocol must be \"tcp\" or \"udp\"");
            }
            peers.add(new StatusReport.Peer(
                    host,
                    (int) integer(p, "port", where, 1, 65535),
                    protocol,
                    integer(p, "messages", where, 0, Long.MAX_VALUE),
                    integer(p, "bytes", where, 0, Long.MAX_VALUE)));
        }
        return new StatusReport(sequence, firmware, tasks, peers);
    }

    /** Valid JSON that does not follow the report schema. */
    public static final class SchemaException extends ReportException {
        private static final long serialVersionUID = 1L;

        public SchemaException(String message) {
            super(message);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String where) throws SchemaException {
        if (!(v instanceof Map)) {
            throw new SchemaException(where + " must be an object");
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v, String where, int max) throws SchemaException {
        if (!(v instanceof List)) {
            throw new SchemaException(where + " must be an array");
        }
        List<Object> l = (List<Object>) v;
        if (l.size() > max) {
            throw new SchemaException(where + " has " + l.size() + " entries, at most " + max + " are allowed");
        }
        return l;
    }

    private static void members(Map<String, Object> m, String where, Set<String> expected) throws SchemaException {
        for (String k : m.keySet()) {
            if (!expected.contains(k)) {
                throw new SchemaException(where + " has an unknown member \"" + k + "\"");
            }
        }
        for (String k : expected) {
            if (!m.containsKey(k)) {
                throw new SchemaException(where + "." + k + " is missing");
            }
        }
    }

    private static String string(Map<String, Object> m, String key, String where, int max) throws SchemaException {
        if (!(m.get(key) instanceof String s)) {
            throw new SchemaException(where + "." + key + " must be a string");
        }
        if (s.length() > max) {
            throw new SchemaException(where + "." + key + " is longer than " + max + " characters");
        }
        return s;
    }

    private static String name(Map<String, Object> m, String key, String where) throws SchemaException {
        String s = string(m, key, where, MAX_NAME);
        if (!NAME.matcher(s).matches()) {
            throw new SchemaException(where + "." + key + " must be 1 to " + MAX_NAME + " printable ASCII characters");
        }
        return s;
    }

    private static String sha256(Map<String, Object> m, String where) throws SchemaException {
        String s = string(m, "sha256", where, 64);
        if (!SHA256.matcher(s).matches()) {
            throw new SchemaException(where + ".sha256 must be 64 lowercase hex digits");
        }
        return s;
    }

    private static long integer(Map<String, Object> m, String key, String where, long min, long max)
            throws SchemaException {
        if (!(m.get(key) instanceof BigDecimal n)) {
            throw new SchemaException(where + "." + key + " must be a number");
        }
        long v;
        try {
            v = n.longValueExact();
        } catch (ArithmeticException e) {
            throw new SchemaException(where + "." + key + " must be a whole number within range");
        }
        if (v < min || v > max) {
            throw new SchemaException(where + "." + key + " must be between " + min + " and " + max);
        }
        return v;
    }
}
