package io.keywarden.api.enrollment;

/** Local life-cycle state of an issued certificate (the CA's view may differ, e.g. after revocation). */
public enum CertificateStatus {
    /** The certificate the device uses now. */
    CURRENT,
    /** Replaced by a renewal; still valid at the CA until it expires. */
    SUPERSEDED,
    /**
     * Revoked at the CA on the device's behalf (the revocation component said so). Never renewed and never offered
     * as a TLS identity; a device left with no current certificate is held: no renew or enrollment request gives it
     * one.
     */
    REVOKED
}
