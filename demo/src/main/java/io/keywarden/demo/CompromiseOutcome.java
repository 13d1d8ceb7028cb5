package io.keywarden.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.keywarden.testing.pebble.CertStatus;

/**
 * When the authority submitted the request, when Pebble revoked each certificate, when the gateway denied all;
 * {@code deniedElsewhere}: when another (honest) gateway denied all, null if there was none.
 * {@code pebbleCpuMillis}: Pebble's CPU from the request until the ticket settled, -1 if not measured.
 */
record CompromiseOutcome(
        Instant submitted,
        Map<String, CertStatus> revoked,
        Instant deniedAtGateway,
        Instant deniedElsewhere,
        long pebbleCpuMillis) {
    Instant lastRevoked() {
        return revoked.values().stream()
                .map(s -> s.revokedAt().orElseThrow())
                .max(Instant::compareTo)
                .orElseThrow();
    }

    long submitToRevokedMillis() {
        return Duration.between(submitted, lastRevoked()).toMillis();
    }

    long submitToDeniedMillis() {
        return Duration.between(submitted, deniedAtGateway).toMillis();
    }

    /** -1 when no other gateway was watched. */
    long submitToDeniedElsewhereMillis() {
        return deniedElsewhere == null
                ? -1
                : Duration.between(submitted, deniedElsewhere).toMillis();
    }
}
