package io.keywarden.demo.bench;

import java.util.Map;

/**
 * The one place Pebble is told to skip challenge validation: {@code ./keywarden bench --always-valid}, which compares
 * raw ordering throughput with lego's when neither waits for validation. Nothing else may use it; every test, the
 * demo and the default bench validate http-01 for real.
 */
public final class UncheckedValidation {

    private UncheckedValidation() {}

    /** Pebble's environment for a bench run: empty (real validation) unless {@code alwaysValid}. */
    public static Map<String, String> pebbleEnvironment(boolean alwaysValid) {
        return alwaysValid ? Map.of("PEBBLE_VA_ALWAYS_VALID", "1") : Map.of();
    }
}
