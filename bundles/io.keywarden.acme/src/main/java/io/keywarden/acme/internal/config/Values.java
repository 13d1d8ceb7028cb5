package io.keywarden.acme.internal.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads typed values out of a raw configuration map; a wrong value names its property. */
final class Values {

    private Values() {
    }

    static Optional<String> string(Map<String, ?> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    static int integer(Map<String, ?> p, String key, int def, int min, int max) throws InvalidConfigurationException {
        Object v = p.get(key);
        int result;
        if (v == null || String.valueOf(v).isBlank()) {
            result = def;
        } else if (v instanceof Number) {
            result = ((Number) v).intValue();
        } else {
            try {
                result = Integer.parseInt(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(key, "not an integer: '" + v + "'");
            }
        }
        if (result < min || result > max) {
            throw new InvalidConfigurationException(key, result + " is outside " + min + ".." + max);
        }
        return result;
    }

    static double decimal(Map<String, ?> p, String key, double def, double min, double max)
            throws InvalidConfigurationException {
        Object v = p.get(key);
        double result;
        if (v == null || String.valueOf(v).isBlank()) {
            result = def;
        } else if (v instanceof Number) {
            result = ((Number) v).doubleValue();
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

    static boolean bool(Map<String, ?> p, String key, boolean def) throws InvalidConfigurationException {
        Object v = p.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new InvalidConfigurationException(key, "not true or false: '" + v + "'");
    }
}
