package io.keywarden.api.revocation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** The fate of one certificate a ticket targets. */
public final class CertificateRevocation {

    /** Where this certificate stands at the CA. */
    public enum State {
        PENDING,
        REVOKED,
        FAILED
    }

    private final String serial;
    private final String deviceId;
    private final State state;
    private final RevocationRoute route;
    private final String caAnswer;
    private final Instant revokedAt;

    public CertificateRevocation(
            String serial, String deviceId, State state, RevocationRoute route, String caAnswer, Instant revokedAt) {
        this.serial = requireNonNull(serial, "serial");
        this.deviceId = requireNonNull(deviceId, "deviceId");
        this.state = requireNonNull(state, "state");
        this.route = route;
        this.caAnswer = caAnswer;
        this.revokedAt = revokedAt;
    }

    public String getSerial() {
        return serial;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public State getState() {
        return state;
    }

    /** The route that worked, once revoked. */
    public Optional<RevocationRoute> getRoute() {
        return Optional.ofNullable(route);
    }

    /** The CA's last answer for this certificate (e.g. {@code revoked}, {@code alreadyRevoked}, a problem type). */
    public Optional<String> getCaAnswer() {
        return Optional.ofNullable(caAnswer);
    }

    public Optional<Instant> getRevokedAt() {
        return Optional.ofNullable(revokedAt);
    }

    @Override
    public String toString() {
        return serial + " (" + deviceId + ") " + state
                + getRoute().map(r -> " via " + r).orElse("");
    }
}
