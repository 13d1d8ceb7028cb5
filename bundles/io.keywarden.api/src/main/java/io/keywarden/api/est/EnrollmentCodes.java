package io.keywarden.api.est;

import java.time.Duration;
import java.time.Instant;

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

    /**
     * Creates a code for a device, replacing any unused one it had.
     *
     * @param validity how long the code may be used; null for the server's default
     * @throws IllegalArgumentException when the device id is malformed or no device class accepts codes for it
     */
    Issued create(String deviceId, Duration validity);

    /** Withdraws the device's unused code; false when it had none. */
    boolean revoke(String deviceId);
}
