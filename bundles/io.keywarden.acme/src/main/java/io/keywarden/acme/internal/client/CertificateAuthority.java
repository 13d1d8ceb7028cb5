package io.keywarden.acme.internal.client;

import java.security.cert.X509Certificate;
import java.util.Optional;

import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.api.enrollment.EnrollmentException;

/** What the enrollment engine needs from a CA; {@link AcmeClient} is the ACME implementation. */
public interface CertificateAuthority {

    /** Orders (or resumes the journaled order of) a certificate. */
    IssuedCertificate order(OrderRequest request) throws EnrollmentException;

    /** The CA's suggested renewal window, when it offers one. */
    Optional<RenewalPlanner.Window> renewalWindow(X509Certificate certificate);

    /** The ordering account, once known. */
    Optional<String> accountUrl();
}
