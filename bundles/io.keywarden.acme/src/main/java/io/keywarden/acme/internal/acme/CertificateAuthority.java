package io.keywarden.acme.internal.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.api.enrollment.EnrollmentException;

/** What the enrollment engine needs from a CA; {@link AcmeClient} is the ACME implementation. */
public interface CertificateAuthority {

    /** Orders a certificate for the names, finalized with the key pair or, when given, the device's CSR. */
    IssuedCertificate order(List<String> names, KeyPair key, byte[] csrDer) throws EnrollmentException;

    /** The CA's suggested renewal window, when it offers one. */
    Optional<RenewalPlanner.Window> renewalWindow(X509Certificate certificate);

    /** The ordering account, once known. */
    Optional<String> accountUrl();
}
