package io.keywarden.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures one benchmark run measured, by name (e.g. {@code p1.http.rate}), for {@code bench-all}'s table. The
 * single bench commands print their figures and also put them here; a scope adds a prefix, so the same command can
 * be run twice in one {@code bench-all} (always-valid and real http-01) without the names clashing. A figure never
 * measured is absent, never zero.
 */
final class Figures {
    private final Map<String, Double> values;
    private final Map<String, String> notes;
    private final String prefix;

    Figures() {
        this(
                Collections.synchronizedMap(new LinkedHashMap<>()),
                Collections.synchronizedMap(new LinkedHashMap<>()),
                "");
    }

    private Figures(Map<String, Double> values, Map<String, String> notes, String prefix) {
        this.values = values;
        this.notes = notes;
        this.prefix = prefix;
    }

    /** A view that writes and reads the same figures under {@code prefix + "."}. */
    Figures scope(String name) {
        return new Figures(values, notes, prefix + name + ".");
    }

    void put(String name, double value) {
        values.put(prefix + name, value);
    }

    /** What happened instead of a figure, or a remark on one (a failure, the N that worked). */
    void note(String name, String text) {
        notes.put(prefix + name, text);
    }

    /** The figure, or NaN when it was not measured. */
    double get(String name) {
        Double v = values.get(prefix + name);
        return v == null ? Double.NaN : v;
    }

    boolean has(String name) {
        return values.containsKey(prefix + name);
    }

    String noteOf(String name) {
        return notes.get(prefix + name);
    }
}
