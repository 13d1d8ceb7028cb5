package io.keywarden.api.enrollment;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the gateway to enroll one attached sensor. With a CSR the sensor keeps its key
 * ({@link KeyCustody#DEVICE}); without one the gateway generates and keeps the key ({@link KeyCustody#GATEWAY}).
 */
public final class SensorEnrollmentRequest {
    private final String deviceId;
    private final List<String> dnsNames;
    private final String csrPem;

    private SensorEnrollmentRequest(Builder b) {
        this.deviceId = requireNonNull(b.deviceId, "deviceId");
        if (b.dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a sensor needs at least one DNS name");
        }
        this.dnsNames = List.copyOf(b.dnsNames);
        this.csrPem = b.csrPem;
    }

    public static Builder builder(String deviceId) {
        return new Builder(deviceId);
    }

    public String getDeviceId() {
        return deviceId;
    }

    public List<String> getDnsNames() {
        return dnsNames;
    }

    /** The sensor's PKCS#10 request in PEM, when the sensor holds its own key. */
    public Optional<String> getCsrPem() {
        return Optional.ofNullable(csrPem);
    }

    public KeyCustody getKeyCustody() {
        return csrPem == null ? KeyCustody.GATEWAY : KeyCustody.DEVICE;
    }

    /** Builds a {@link SensorEnrollmentRequest}. */
    public static final class Builder {
        private final String deviceId;
        private final List<String> dnsNames = new ArrayList<>();
        private String csrPem;

        private Builder(String deviceId) {
            this.deviceId = requireNonNull(deviceId, "deviceId");
        }

        public Builder dnsName(String name) {
            dnsNames.add(requireNonNull(name, "name"));
            return this;
        }

        public Builder csrPem(String pem) {
            this.csrPem = requireNonNull(pem, "pem");
            return this;
        }

        public SensorEnrollmentRequest build() {
            return new SensorEnrollmentRequest(this);
        }
    }
}
