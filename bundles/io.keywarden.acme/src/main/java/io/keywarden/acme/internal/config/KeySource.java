package io.keywarden.acme.internal.config;

/** Where the gateway's own key comes from ({@value GatewayOptions#KEY_KEY_SOURCE}). */
public enum KeySource {
    /** This bundle generates and keeps the gateway key and orders the gateway certificate at first start. */
    GENERATED,
    /**
     * The key is held elsewhere (on Kura: the keystore behind Kura's EnrollmentService): nothing is ordered for the
     * gateway until a CSR arrives through {@code GatewayEnrollmentService.enroll(csrPem)}, so the CA never issues
     * a certificate for a key nobody uses.
     */
    EXTERNAL
}
