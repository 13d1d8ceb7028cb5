package io.keywarden.monitor.internal.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * The channel's fast path for a status report: Gson's strict streaming reader (behind {@link StrictJson}'s
 * control-character guard) straight into the report's fields, with no generic tree of maps, lists and BigDecimals in
 * between. It accepts only what {@link ReportParser}'s tree-based check accepts: every member of the schema exactly
 * once, no other member, the same types, bounds and patterns, no trailing data; numbers are read as {@link StrictJson}
 * reads them. It does not explain: on anything else it gives up ({@link #read} returns null) and the tree-based
 * parser, which names the offending member or the JSON error, reads the report again. A well-formed report, the
 * one a sensor sends every second, is read once.
 */
final class ReportReader {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]");

    /** Not a well-formed report: the tree-based parser says why. */
    private static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private ReportReader() {}

    /** The report, or null when {@code body} is not one this reader accepts (then the tree-based parser decides). */
    static StatusReport read(String body) {
        if (body.length() > StrictJson.MAX_CHARS) {
            return null;
        }
        try (JsonReader in = StrictJson.reader(body)) {
            StatusReport r = report(in);
            return in.peek() == JsonToken.END_DOCUMENT ? r : null;
        } catch (GiveUp | IOException | RuntimeException e) {
            return null;
        }
    }

    private static StatusReport report(JsonReader in) throws IOException, GiveUp {
        String schema = null;
        long sequence = -1;
        StatusReport.Firmware firmware = null;
        List<StatusReport.Task> tasks = null;
        List<StatusReport.Peer> peers = null;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "schema" -> schema = once(schema, string(in, 64, s -> true));
                case "sequence" -> sequence = once(sequence, integer(in, 0, Long.MAX_VALUE));
                case "software" -> {
                    require(firmware == null);
                    in.beginObject();
                    while (in.hasNext()) {
                        switch (in.nextName()) {
                            case "firmware" -> firmware = once(firmware, firmware(in));
                            case "tasks" -> tasks = once(tasks, tasks(in));
                            default -> throw GiveUp.INSTANCE;
                        }
                    }
                    in.endObject();
                    require(firmware != null && tasks != null);
                }
                case "communication" -> {
                    require(peers == null);
                    in.beginObject();
                    require("peers".equals(in.nextName()));
                    peers = peers(in);
                    in.endObject();
                }
                default -> throw GiveUp.INSTANCE;
            }
        }
        in.endObject();
        require(ReportParser.SCHEMA.equals(schema) && sequence >= 0 && firmware != null && peers != null);
        return new StatusReport(sequence, firmware, tasks, peers);
    }

    private static StatusReport.Firmware firmware(JsonReader in) throws IOException, GiveUp {
        String name = null;
        String version = null;
        String sha256 = null;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "name" -> name = once(name, name(in));
                case "version" -> version = once(version, name(in));
                case "sha256" -> sha256 = once(sha256, sha256(in));
                default -> throw GiveUp.INSTANCE;
            }
        }
        in.endObject();
        require(name != null && version != null && sha256 != null);
        return new StatusReport.Firmware(name, version, sha256);
    }

    private static List<StatusReport.Task> tasks(JsonReader in) throws IOException, GiveUp {
        List<StatusReport.Task> tasks = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            require(tasks.size() < ReportParser.MAX_TASKS);
            String name = null;
            String sha256 = null;
            in.beginObject();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "name" -> name = once(name, name(in));
                    case "sha256" -> sha256 = once(sha256, sha256(in));
                    default -> throw GiveUp.INSTANCE;
                }
            }
            in.endObject();
            require(name != null && sha256 != null);
            tasks.add(new StatusReport.Task(name, sha256));
        }
        in.endArray();
        return tasks;
    }

    private static List<StatusReport.Peer> peers(JsonReader in) throws IOException, GiveUp {
        List<StatusReport.Peer> peers = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            require(peers.size() < ReportParser.MAX_PEERS);
            peers.add(peer(in));
        }
        in.endArray();
        return peers;
    }

    private static StatusReport.Peer peer(JsonReader in) throws IOException, GiveUp {
        String host = null;
        String protocol = null;
        long port = -1;
        long messages = -1;
        long bytes = -1;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "host" ->
                    host = once(host, string(in, 253, h -> HOST.matcher(h).matches()));
                case "port" -> port = once(port, integer(in, 1, 65535));
                case "protocol" -> protocol = once(protocol, string(in, 3, p -> p.equals("tcp") || p.equals("udp")));
                case "messages" -> messages = once(messages, integer(in, 0, Long.MAX_VALUE));
                case "bytes" -> bytes = once(bytes, integer(in, 0, Long.MAX_VALUE));
                default -> throw GiveUp.INSTANCE;
            }
        }
        in.endObject();
        require(host != null && protocol != null && port >= 0 && messages >= 0 && bytes >= 0);
        return new StatusReport.Peer(host, (int) port, protocol, messages, bytes);
    }

    /**
     * ReportParser's NAME pattern, {@code [\x21-\x7e][\x20-\x7e]*}, as a loop: a report carries a handful of names
     * and hashes, and under C1 (the gateway's flags) a regular expression costs several times the loop.
     */
    private static String name(JsonReader in) throws IOException, GiveUp {
        return string(in, 64, s -> {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c > 0x7e || c < (i == 0 ? 0x21 : 0x20)) {
                    return false;
                }
            }
            return !s.isEmpty();
        });
    }

    /** ReportParser's SHA256 pattern, {@code [0-9a-f]{64}}, as a loop. */
    private static String sha256(JsonReader in) throws IOException, GiveUp {
        return string(in, 64, s -> {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return false;
                }
            }
            return s.length() == 64;
        });
    }

    private static String string(JsonReader in, int max, Predicate<String> valid) throws IOException, GiveUp {
        require(in.peek() == JsonToken.STRING);
        String s = in.nextString();
        require(s.length() <= max && valid.test(s));
        return s;
    }

    /** A whole number within [min, max], read by StrictJson's own rule (its bounds, BigDecimal). */
    private static long integer(JsonReader in, long min, long max) throws IOException, GiveUp {
        require(in.peek() == JsonToken.NUMBER);
        long v;
        try {
            v = StrictJson.number(in.nextString(), "").longValueExact();
        } catch (ReportException | ArithmeticException e) {
            throw GiveUp.INSTANCE;
        }
        require(v >= min && v <= max);
        return v;
    }

    /** A member seen twice (a duplicate name) is not a report this reader accepts. */
    private static <T> T once(T previous, T value) throws GiveUp {
        require(previous == null);
        return value;
    }

    private static long once(long previous, long value) throws GiveUp {
        require(previous < 0);
        return value;
    }

    private static void require(boolean ok) throws GiveUp {
        if (!ok) {
            throw GiveUp.INSTANCE;
        }
    }
}
