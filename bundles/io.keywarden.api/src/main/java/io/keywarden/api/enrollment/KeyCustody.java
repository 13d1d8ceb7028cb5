package io.keywarden.api.enrollment;

/** Who holds the private key of a certificate: revocation by certificate key needs to know. */
public enum KeyCustody {
    /** The device generated its key and sent a CSR; the key never left it. */
    DEVICE,
    /** The gateway generated the key for a device that cannot, and keeps it in its store. */
    GATEWAY
}
