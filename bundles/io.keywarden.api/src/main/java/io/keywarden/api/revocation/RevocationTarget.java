package io.keywarden.api.revocation;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Objects;

/** What a revocation request asks to revoke. */
public final class RevocationTarget {

    /** How {@link #getValue()} is to be read. */
    public enum Kind {
        /** Every current certificate of one device (gateway or sensor), by device id. */
        DEVICE,
        /** One certificate, by serial (lowercase hexadecimal, no leading zeros). */
        CERTIFICATE,
        /**
         * A compromised gateway, by device id: its own certificates, every certificate its ACME account ordered for
         * its sensors, and then the deactivation of that account.
         */
        COMPROMISED_GATEWAY
    }

    private final Kind kind;
    private final String value;

    private RevocationTarget(Kind kind, String value) {
        this.kind = requireNonNull(kind, "kind");
        this.value = requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a revocation target needs a value");
        }
    }

    public static RevocationTarget device(String deviceId) {
        return new RevocationTarget(Kind.DEVICE, deviceId);
    }

    public static RevocationTarget certificate(String serial) {
        return new RevocationTarget(Kind.CERTIFICATE, serial);
    }

    public static RevocationTarget compromisedGateway(String gatewayId) {
        return new RevocationTarget(Kind.COMPROMISED_GATEWAY, gatewayId);
    }

    public static RevocationTarget of(Kind kind, String value) {
        return new RevocationTarget(kind, value);
    }

    public Kind getKind() {
        return kind;
    }

    public String getValue() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RevocationTarget t && t.kind == kind && t.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, value);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }
}
