package io.keywarden.acme.internal;

import java.util.HashMap;
import java.util.Map;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentException;

/** The properties of the enrollment events the component posts (see {@link EnrollmentEvents}). */
final class EventProperties {
    private EventProperties() {}

    static Map<String, Object> issued(CertificateRecord record) {
        Map<String, Object> props = new HashMap<>();
        props.put(EnrollmentEvents.PROPERTY_DEVICE_ID, record.getDeviceId());
        props.put(EnrollmentEvents.PROPERTY_DEVICE_KIND, record.getKind().name());
        props.put(EnrollmentEvents.PROPERTY_SERIAL, record.getSerial());
        props.put(EnrollmentEvents.PROPERTY_NOT_AFTER, record.getNotAfter().toString());
        return props;
    }

    static Map<String, Object> failed(String deviceId, DeviceKind kind, EnrollmentException error, boolean retry) {
        return Map.of(
                EnrollmentEvents.PROPERTY_DEVICE_ID,
                deviceId,
                EnrollmentEvents.PROPERTY_DEVICE_KIND,
                kind.name(),
                EnrollmentEvents.PROPERTY_ERROR,
                String.valueOf(error.getMessage()),
                EnrollmentEvents.PROPERTY_RETRYABLE,
                retry);
    }
}
