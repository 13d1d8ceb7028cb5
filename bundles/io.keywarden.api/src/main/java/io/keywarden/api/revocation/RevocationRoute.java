package io.keywarden.api.revocation;

/** Who signs the revokeCert request at the CA (RFC 8555 §7.6). */
public enum RevocationRoute {
    /** The ACME account that ordered the certificate (the gateway, for its sensors). */
    CUSTODIAN_ACCOUNT,
    /** The ordering account's key, deposited encrypted with the fleet authority at enrollment. */
    ESCROWED_ACCOUNT_KEY,
    /** The certificate's own key (held by the gateway for sensors whose key it generated). */
    CERTIFICATE_KEY,
    /** A separate account that holds valid authorizations for every identifier in the certificate. */
    AUTHORIZATION_HOLDER
}
