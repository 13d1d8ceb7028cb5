package io.keywarden.api.enrollment;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** Snapshot of one device's enrollment: state, last error and when the next attempt or renewal is due. */
public final class EnrollmentStatus {
    private final String deviceId;
    private final EnrollmentState state;
    private final int failedAttempts;
    private final String lastError;
    private final Instant nextAction;

    public EnrollmentStatus(
            String deviceId, EnrollmentState state, int failedAttempts, String lastError, Instant nextAction) {
        this.deviceId = requireNonNull(deviceId, "deviceId");
        this.state = requireNonNull(state, "state");
        this.failedAttempts = failedAttempts;
        this.lastError = lastError;
        this.nextAction = nextAction;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public EnrollmentState getState() {
        return state;
    }

    /** Consecutive failed attempts since the last success. */
    public int getFailedAttempts() {
        return failedAttempts;
    }

    public Optional<String> getLastError() {
        return Optional.ofNullable(lastError);
    }

    /** Next retry (RETRYING) or planned renewal (ENROLLED). */
    public Optional<Instant> getNextAction() {
        return Optional.ofNullable(nextAction);
    }

    @Override
    public String toString() {
        return deviceId + " " + state + (lastError == null ? "" : " (" + lastError + ")")
                + (nextAction == null ? "" : " next " + nextAction);
    }
}
