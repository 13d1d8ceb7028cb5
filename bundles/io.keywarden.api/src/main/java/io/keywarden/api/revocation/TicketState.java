package io.keywarden.api.revocation;

/** Where a revocation ticket stands. */
public enum TicketState {
    /** The request failed a check; nothing was denied or sent to the CA. */
    REFUSED,
    /** Journaled and denied locally; waiting for the CA. */
    ACCEPTED,
    /** The CA was unreachable or answered with a transient error; another attempt is scheduled. */
    RETRYING,
    /** Every targeted certificate is revoked at the CA (or was already). */
    REVOKED,
    /** The CA refused every allowed route for some certificate; the local deny entries stay. */
    FAILED,
    /**
     * A release ({@link RevocationRequest.Action#RELEASE}) was recorded: the held device may get one new certificate.
     *
     * @since 1.2
     */
    RELEASED;

    public boolean isSettled() {
        return this == REFUSED || this == REVOKED || this == FAILED || this == RELEASED;
    }
}
