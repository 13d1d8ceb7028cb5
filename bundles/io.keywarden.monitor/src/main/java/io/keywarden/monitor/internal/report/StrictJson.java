package io.keywarden.monitor.internal.report;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * JSON for what hostile devices and hand-edited files send, on Gson's streaming reader in strict mode (RFC 8259 syntax,
 * no trailing data) plus the rules Gson leaves open: duplicate member names, nesting deeper than {@value #MAX_DEPTH},
 * raw control characters inside strings, numbers longer than {@value #MAX_NUMBER_CHARS} characters (as sent or in canonical form) or with an exponent beyond
 * {@value #MAX_EXPONENT}, and documents
 * longer than {@value #MAX_CHARS} characters are all refused. Objects become {@link LinkedHashMap}s, arrays
 * {@link List}s, numbers {@link BigDecimal}s.
 */
public final class StrictJson {
    /** How many objects and arrays a value may sit in (the top-level value sits in none). */
    public static final int MAX_DEPTH = 16;

    public static final int MAX_NUMBER_CHARS = 40;
    /**
     * The largest decimal exponent a number may carry (beyond any double's range): {@code 1e999999999} is 11
     * characters, but turning it into an integer would allocate without bound.
     */
    public static final int MAX_EXPONENT = 400;
    /** Reports are bounded by the channel first; this also bounds policy files and incident log lines. */
    public static final int MAX_CHARS = 1 << 20;

    private static final Gson WRITER =
            new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private StrictJson() {}

    /** Parses one JSON value that must fill the whole text. */
    public static Object parse(String text) throws ReportException {
        if (text.length() > MAX_CHARS) {
            throw new ReportException("invalid JSON: longer than " + MAX_CHARS + " characters");
        }
        try (JsonReader in = reader(text)) {
            Object v = value(in, 0);
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw new ReportException("invalid JSON at " + in.getPath() + ": trailing data");
            }
            return v;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson's message names line, column and path; "setLenient" advice is for programmers, not for senders
            String why = String.valueOf(e.getMessage())
                    .replace("Use JsonReader.setLenient(true) to accept malformed JSON", "malformed JSON");
            throw new ReportException("invalid JSON: " + why);
        }
    }

    /**
     * Gson's strict reader over {@code text} behind the control-character guard: what {@link #parse} reads with, for
     * readers that take a known document's members straight into its fields ({@link ReportReader}).
     */
    static JsonReader reader(String text) {
        JsonReader in = new JsonReader(new ControlCharacterGuard(new StringReader(text)));
        in.setLenient(false);
        return in;
    }

    /** Writes maps, iterables, strings, numbers, booleans and null (Gson, no HTML escaping, nulls kept). */
    public static String write(Object v) {
        return WRITER.toJson(v);
    }

    private static Object value(JsonReader in, int depth) throws IOException, ReportException {
        if (depth > MAX_DEPTH) {
            throw new ReportException("invalid JSON at " + in.getPath() + ": nested deeper than " + MAX_DEPTH);
        }
        JsonToken t = in.peek();
        switch (t) {
            case BEGIN_OBJECT:
                return object(in, depth);
            case BEGIN_ARRAY:
                List<Object> list = new ArrayList<>();
                in.beginArray();
                while (in.hasNext()) {
                    list.add(value(in, depth + 1));
                }
                in.endArray();
                return list;
            case STRING:
                return in.nextString();
            case NUMBER:
                return number(in);
            case BOOLEAN:
                return in.nextBoolean();
            case NULL:
                in.nextNull();
                return null;
            default:
                throw new ReportException("invalid JSON at " + in.getPath() + ": unexpected " + t);
        }
    }

    private static Map<String, Object> object(JsonReader in, int depth) throws IOException, ReportException {
        Map<String, Object> out = new LinkedHashMap<>();
        in.beginObject();
        while (in.hasNext()) {
            String key = in.nextName();
            if (out.containsKey(key)) {
                throw new ReportException("invalid JSON at " + in.getPath() + ": duplicate member \"" + key + "\"");
            }
            out.put(key, value(in, depth + 1));
        }
        in.endObject();
        return out;
    }

    private static BigDecimal number(JsonReader in) throws IOException, ReportException {
        String path = in.getPath();
        return number(in.nextString(), path);
    }

    /**
     * A JSON number as this class reads it, with its bounds: also for {@link ReportReader}, whose numbers must be the
     * ones this class accepts (the fuzzer found {@code 0e999999999} read as 0 there and refused here).
     *
     * @throws ReportException beyond the bounds
     */
    static BigDecimal number(String n, String path) throws ReportException {
        if (n.length() > MAX_NUMBER_CHARS) {
            throw new ReportException(
                    "invalid JSON at " + path + ": number longer than " + MAX_NUMBER_CHARS + " characters");
        }
        BigDecimal value = new BigDecimal(n);
        // what write() gives back must be readable again: 3333333333303333333000000000001e1000000 is 39 characters,
        // its canonical form 3.333333333303333333000000000001E+1000030 is 41
        if (value.toString().length() > MAX_NUMBER_CHARS) {
            throw new ReportException("invalid JSON at " + path + ": number longer than " + MAX_NUMBER_CHARS
                    + " characters when written in canonical form");
        }
        if (Math.abs((long) value.scale()) > MAX_EXPONENT) {
            throw new ReportException("invalid JSON at " + path + ": exponent beyond " + MAX_EXPONENT);
        }
        return value;
    }

    /**
     * Refuses an unescaped control character (below U+0020) inside a string, which RFC 8259 forbids and Gson 2.9's
     * reader accepts. It follows only where strings start and end; Gson does the rest of the syntax.
     */
    private static final class ControlCharacterGuard extends FilterReader {
        private boolean inString;
        private boolean escaped;
        private long offset;

        ControlCharacterGuard(Reader in) {
            super(in);
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            for (int i = off; i < off + n; i++) {
                check(buf[i]);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                check((char) c);
            }
            return c;
        }

        private void check(char c) throws IOException {
            if (inString && c < 0x20) {
                throw new IOException("control character in a string at offset " + offset);
            }
            if (escaped) {
                escaped = false;
            } else if (inString && c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = !inString;
            }
            offset++;
        }
    }
}
