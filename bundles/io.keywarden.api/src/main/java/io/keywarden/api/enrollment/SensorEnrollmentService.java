package io.keywarden.api.enrollment;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Enrollment of the sensors attached to this gateway. The gateway orders with its own ACME account (it is
 * the sensors' custodian) and renews their certificates on schedule. Many enrollments may run at once;
 * the service bounds how many talk to the CA concurrently.
 */
@ProviderType
public interface SensorEnrollmentService {

    /**
     * Enrolls a sensor, or returns its current certificate when it already has one for the same names.
     * Transient CA failures are retried with backoff; the stage fails only for permanent ones.
     */
    CompletionStage<CertificateRecord> enroll(SensorEnrollmentRequest request);

    /** Orders a replacement for the sensor's current certificate now. */
    CompletionStage<CertificateRecord> renew(String deviceId);

    Optional<CertificateRecord> getCertificate(String deviceId);

    EnrollmentStatus getStatus(String deviceId);

    /** Ids of the sensors this gateway holds certificates or pending enrollments for. */
    List<String> getDeviceIds();
}
