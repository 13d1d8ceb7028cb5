package io.keywarden.kura.internal;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;

/** A gateway that is enrolled nowhere and refuses to order: enough for the access checks. */
final class FakeGateway implements GatewayEnrollmentService {
    int calls;

    @Override
    public String getDeviceId() {
        calls++;
        return "gw.test";
    }

    @Override
    public EnrollmentStatus getStatus() {
        return new EnrollmentStatus("gw.test", EnrollmentState.PENDING, 0, null, null);
    }

    @Override
    public Optional<CertificateRecord> getCertificate() {
        return Optional.empty();
    }

    @Override
    public List<X509Certificate> getCaCertificates() {
        return List.of();
    }

    @Override
    public Optional<String> getAccountUrl() {
        return Optional.empty();
    }

    @Override
    public CertificateRecord enroll() throws EnrollmentException {
        throw new EnrollmentException("CA unreachable", null, true);
    }

    @Override
    public CertificateRecord renew() throws EnrollmentException {
        return enroll();
    }

    @Override
    public CertificateRecord enroll(String csrPem) throws EnrollmentException {
        return enroll();
    }

    @Override
    public Optional<KeyStore.PrivateKeyEntry> getTlsIdentity() {
        return Optional.empty();
    }
}
