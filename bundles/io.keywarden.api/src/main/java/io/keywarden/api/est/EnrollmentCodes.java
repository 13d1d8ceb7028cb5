package io.keywarden.api.est;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One-time enrollment codes for sensors that have no manufacturer certificate: the operator creates one for a
 * device id and hands it to the sensor, which presents it once with HTTP Basic authentication (RFC 7030 §3.2.3, user
 * = device id, password = code) over server-authenticated TLS. Only a salted hash of the code is stored.
 */
@ProviderType
public interface EnrollmentCodes {

    /** A code just created: its value is shown once, only its hash is kept. */
    final class Issued {
        private final String deviceId;
        private final String code;
        private final Instant expiresAt;

        public Issued(String deviceId, String code, Instant expiresAt) {
            this.deviceId = deviceId;
            this.code = code;
            this.expiresAt = expiresAt;
        }

        public String getDeviceId() {
            return deviceId;
        }

        public String getCode() {
            return code;
        }

        public Instant getExpiresAt() {
            return expiresAt;
        }
    }

    /** Where a code stands. */
    enum State {
        /** Not used yet. */
        UNUSED,
        /** A request presented it and bound it to its CSR's key; retries of that request may use it again. */
        IN_USE,
        /** A certificate was delivered for it: it cannot be used again. */
        SPENT,
        /** Past its expiry, never spent. */
        EXPIRED
    }

    /** A code as listed: never its value (only a hash of it is kept anywhere). */
    final class Listed {
        private final String deviceId;
        private final Instant expiresAt;
        private final State state;

        public Listed(String deviceId, Instant expiresAt, State state) {
            this.deviceId = deviceId;
            this.expiresAt = expiresAt;
            this.state = state;
        }

        public String getDeviceId() {
            return deviceId;
        }

        public Instant getExpiresAt() {
            return expiresAt;
        }

        public State getState() {
            return state;
        }
    }

    /**
     * Creates a code for a device, replacing any unused one it had.
     *
     * @param validity how long the code may be used (positive); null for the server's default
     * @throws IllegalArgumentException when the device id is malformed, the validity not positive, or no device class
     *     accepts codes for the device
     */
    Issued create(String deviceId, Duration validity);

    /**
     * Withdraws the device's unused code; false when it had none.
     *
     * @throws IllegalArgumentException when the device id is malformed
     */
    boolean revoke(String deviceId);

    /** The codes held now (unused, in use, spent or expired), by device id; never their values. */
    List<Listed> list();
}
