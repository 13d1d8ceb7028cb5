package org.eclipse.kura.certificate.enrollment;

import java.security.cert.CertStore;
import java.security.cert.Certificate;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/** Enrolls one identity (the one its configuration names) with a certificate authority. */
@ProviderType
public interface EnrollmentService {

    void enroll() throws KuraException;

    void renew() throws KuraException;

    void rekey() throws KuraException;

    CertStore getCACertificates() throws KuraException;

    Certificate getClientCertificate() throws KuraException;

    void forceCACertificateRollover() throws KuraException;

    boolean isEnrolled() throws KuraException;
}
