package io.keywarden.api.ca;

/** What the CA answered to a successful revokeCert request. */
public enum RevocationOutcome {
    REVOKED,
    /** The CA answered {@code urn:ietf:params:acme:error:alreadyRevoked}: the certificate is revoked, as wanted. */
    ALREADY_REVOKED
}
