package io.keywarden.testing.pebble;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Status of one certificate as reported by Pebble's management endpoint {@code /cert-status-by-serial/<hex>}.
 *
 * @param status    Pebble's {@code Status} field, {@code "Valid"} or {@code "Revoked"}
 * @param reason    Pebble's {@code Reason} field (RFC 5280 CRLReason code; 0 when not revoked)
 * @param revokedAt when it was revoked; empty when not revoked
 */
public record CertStatus(String status, int reason, Optional<Instant> revokedAt) {

    public CertStatus {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }

    public boolean isValid() {
        return "Valid".equalsIgnoreCase(status);
    }

    public boolean isRevoked() {
        return "Revoked".equalsIgnoreCase(status);
    }
}
