package io.keywarden.support.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads values out of a configuration map the way ConfigAdmin, Kura and FileInstall's .cfg files hand them over
 * (typed values or strings); blank counts as absent, and every error names its property.
 */
public final class ConfigValues {
    private final Map<String, ?> properties;

    public ConfigValues(Map<String, ?> properties) {
        this.properties = properties;
    }

    /** The trimmed value, empty when absent or blank. */
    public Optional<String> string(String key) {
        Object v = properties.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    public String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    public String required(String key) throws InvalidConfigurationException {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            throw new InvalidConfigurationException(key, "required but missing");
        }
        return s.get();
    }

    /** An integer in {@code min..max}, {@code fallback} when absent. */
    public int integer(String key, int fallback, int min, int max) throws InvalidConfigurationException {
        Object v = properties.get(key);
        long result;
        if (v == null || String.valueOf(v).isBlank()) {
            result = fallback;
        } else if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            // a Long from ConfigAdmin is checked whole: 4294967301 must not pass as 5
            result = n.longValue();
        } else {
            try {
                result = Long.parseLong(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(key, "not an integer: '" + v + "'");
            }
        }
        if (result < min || result > max) {
            throw new InvalidConfigurationException(key, result + " is outside " + min + ".." + max);
        }
        return (int) result;
    }

    /** A number in {@code min..max}, {@code fallback} when absent. */
    public double decimal(String key, double fallback, double min, double max) throws InvalidConfigurationException {
        Object v = properties.get(key);
        double result;
        if (v == null || String.valueOf(v).isBlank()) {
            result = fallback;
        } else if (v instanceof Number n) {
            result = n.doubleValue();
        } else {
            try {
                result = Double.parseDouble(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(key, "not a number: '" + v + "'");
            }
        }
        if (!(result >= min && result <= max)) {
            throw new InvalidConfigurationException(key, result + " is outside " + min + ".." + max);
        }
        return result;
    }

    /** true or false (any case), {@code fallback} when absent; anything else is an error, not false. */
    public boolean bool(String key, boolean fallback) throws InvalidConfigurationException {
        Object v = properties.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return fallback;
        }
        if (s.get().equalsIgnoreCase("true") || s.get().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s.get());
        }
        throw new InvalidConfigurationException(key, "true or false expected: " + s.get());
    }

    /** An absolute path, empty when absent. */
    public Optional<Path> path(String key) throws InvalidConfigurationException {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(s.get()).toAbsolutePath());
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException(key, "not a path: " + e.getMessage());
        }
    }

    /** A constant of {@code type} named by the value (any case, '-' for '_'), {@code fallback} when absent. */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) throws InvalidConfigurationException {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, s.get().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    key,
                    "unknown value '" + s.get() + "', expected one of "
                            + Arrays.stream(type.getEnumConstants())
                                    .map(Enum::name)
                                    .toList());
        }
    }

    /** A String[], a collection, or one comma-separated string (what FileInstall's .cfg files give); blanks dropped. */
    public Set<String> strings(String key) {
        Object v = properties.get(key);
        Set<String> out = new LinkedHashSet<>();
        if (v instanceof String[] a) {
            Arrays.stream(a).forEach(s -> split(s, out));
        } else if (v instanceof Iterable<?> it) {
            it.forEach(o -> split(String.valueOf(o), out));
        } else if (v != null) {
            split(String.valueOf(v), out);
        }
        return out;
    }

    private static void split(String s, Set<String> out) {
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
    }
}
