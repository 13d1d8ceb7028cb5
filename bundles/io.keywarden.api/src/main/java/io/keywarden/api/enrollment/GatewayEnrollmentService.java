package io.keywarden.api.enrollment;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's own enrollment. Registered only while the enrollment component has a valid configuration;
 * it enrolls and renews by itself, these methods let an operator or another bundle look and push.
 */
@ProviderType
public interface GatewayEnrollmentService {

    /** The gateway's device id (its DNS identifier). */
    String getDeviceId();

    EnrollmentStatus getStatus();

    /** The gateway's current certificate, once enrolled. */
    Optional<CertificateRecord> getCertificate();

    /** The issuer chain of the current certificate (without the end-entity certificate). */
    List<X509Certificate> getCaCertificates();

    /**
     * The gateway's current key with its certificate chain, for a TLS server or client that presents the gateway's
     * identity (the sensor channel does). Empty until enrolled, and while a new key waits for its certificate.
     *
     * @since 1.1
     */
    Optional<KeyStore.PrivateKeyEntry> getTlsIdentity();

    /** URL of the gateway's ACME account, once it has one. */
    Optional<String> getAccountUrl();

    /** Orders a certificate now if the gateway has none, otherwise returns the current one. Blocks. */
    CertificateRecord enroll() throws EnrollmentException;

    /** Orders a replacement now, whatever the schedule says, keeping the key. Blocks. */
    CertificateRecord renew() throws EnrollmentException;

    /**
     * Orders the gateway's certificate for a key the caller holds (for example in Eclipse Kura's keystore) instead of
     * one the enrollment component generates. The CSR must name exactly the gateway's DNS identifier. From then on
     * automatic renewals reuse this CSR; a call with a CSR of another key (a rekey) orders a certificate for it at
     * once, a call with the same CSR returns the current certificate while it is valid. Blocks.
     *
     * @param csrPem a PKCS#10 request in PEM form
     * @since 1.1
     */
    CertificateRecord enroll(String csrPem) throws EnrollmentException;
}
