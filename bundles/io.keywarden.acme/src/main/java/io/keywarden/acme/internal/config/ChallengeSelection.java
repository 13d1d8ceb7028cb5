package io.keywarden.acme.internal.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.keywarden.support.config.InvalidConfigurationException;

/**
 * Which challenge type each identifier uses: the type a sensor's own configuration declares, else the first
 * override whose pattern matches the name, else the gateway's default. A pattern is a DNS name, or {@code *.suffix}
 * for every name below {@code suffix}.
 */
public final class ChallengeSelection {
    public static final String KEY_TYPE = "challenge.type";
    public static final String KEY_OVERRIDES = "challenge.type.overrides";

    private final String defaultType;
    private final List<Rule> overrides;

    private ChallengeSelection(String defaultType, List<Rule> overrides) {
        this.defaultType = requireNonNull(defaultType, "defaultType");
        this.overrides = List.copyOf(overrides);
    }

    /** Every identifier uses {@code type}. */
    public static ChallengeSelection always(String type) {
        return new ChallengeSelection(type, List.of());
    }

    /**
     * Parses {@value #KEY_TYPE} (empty: http-01) and {@value #KEY_OVERRIDES}: comma-separated
     * {@code pattern=type} entries, e.g. {@code *.field.example=dns-01, gw.example=http-01}.
     */
    public static ChallengeSelection parse(String type, String overrides) throws InvalidConfigurationException {
        String def = type == null || type.isBlank()
                ? ChallengeTypes.HTTP_01
                : ChallengeTypes.parse(type)
                        .orElseThrow(() -> new InvalidConfigurationException(KEY_TYPE, unknown(type)));
        List<Rule> rules = new ArrayList<>();
        if (overrides != null) {
            for (String entry : overrides.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    throw new InvalidConfigurationException(
                            KEY_OVERRIDES, "'" + entry.trim() + "' is not pattern=type (e.g. *.example.com=dns-01)");
                }
                String pattern = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = entry.substring(eq + 1);
                String t = ChallengeTypes.parse(value)
                        .orElseThrow(() ->
                                new InvalidConfigurationException(KEY_OVERRIDES, unknown(value) + " for " + pattern));
                if (!pattern.matches("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                    throw new InvalidConfigurationException(
                            KEY_OVERRIDES, "'" + pattern + "' is neither a DNS name nor *.suffix");
                }
                rules.add(new Rule(pattern, t));
            }
        }
        return new ChallengeSelection(def, rules);
    }

    static String unknown(String value) {
        return "unknown challenge type '" + String.valueOf(value).trim() + "', expected one of " + ChallengeTypes.ALL;
    }

    /**
     * The type for one identifier.
     *
     * @param declared the type the device's own configuration asks for, if any (already validated)
     */
    public String typeFor(String identifier, Optional<String> declared) {
        if (declared.isPresent()) {
            return declared.get();
        }
        String name = identifier.toLowerCase(Locale.ROOT);
        for (Rule r : overrides) {
            if (r.matches(name)) {
                return r.type;
            }
        }
        return defaultType;
    }

    /** Every type this configuration can pick without a device declaring one. */
    public Set<String> configuredTypes() {
        Set<String> out = new TreeSet<>();
        out.add(defaultType);
        overrides.forEach(r -> out.add(r.type));
        return out;
    }

    public String defaultType() {
        return defaultType;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChallengeSelection other
                && defaultType.equals(other.defaultType)
                && overrides.equals(other.overrides);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaultType, overrides);
    }

    private record Rule(String pattern, String type) {
        boolean matches(String name) {
            if (pattern.startsWith("*.")) {
                return name.endsWith(pattern.substring(1));
            }
            return name.equals(pattern);
        }
    }
}
