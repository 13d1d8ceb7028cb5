package io.keywarden.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses OSGi manifest headers (Import-Package, Require-Capability...) into clauses with attributes. */
final class Headers {

    /** One clause: its name(s) and its attributes/directives (directives keep their trailing ':'). */
    record Clause(String name, Map<String, String> params) {
        String attr(String key) {
            return params.get(key);
        }

        boolean optional() {
            return "optional".equals(params.get("resolution:"));
        }
    }

    private Headers() {}

    static List<Clause> parse(String header) {
        List<Clause> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            List<String> names = new ArrayList<>();
            Map<String, String> params = new LinkedHashMap<>();
            for (String p : parts) {
                int eq = p.indexOf('=');
                if (eq < 0) {
                    names.add(p.trim());
                    continue;
                }
                String key = p.substring(0, eq).trim();
                String value = p.substring(eq + 1).trim();
                if (key.endsWith(":")) {
                    // directive key:=value: keep the ':' so it cannot clash with an attribute
                } else if (key.contains(":")) {
                    key = key.substring(0, key.indexOf(':'));
                }
                if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                params.put(key, value);
            }
            for (String n : names) {
                out.add(new Clause(n, params));
            }
        }
        return out;
    }

    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString());
        }
        return out;
    }
}
