package io.keywarden.acme.internal.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The challenge types Keywarden answers. */
public final class ChallengeTypes {
    public static final String HTTP_01 = "http-01";
    public static final String DNS_01 = "dns-01";
    public static final List<String> ALL = List.of(HTTP_01, DNS_01);

    private ChallengeTypes() {}

    /** The canonical type for a configured value, empty when the value names no type we answer. */
    public static Optional<String> parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return ALL.contains(v) ? Optional.of(v) : Optional.empty();
    }
}
