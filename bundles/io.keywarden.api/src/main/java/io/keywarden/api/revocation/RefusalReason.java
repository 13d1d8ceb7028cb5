package io.keywarden.api.revocation;

/** Why a revocation request was refused. */
public enum RefusalReason {
    /** Not a JWS, not JSON, a field missing or of the wrong type, an unknown reason code. */
    MALFORMED,
    /** The signature does not verify with the requester's configured key. */
    BAD_SIGNATURE,
    /** No authority with that id is configured. */
    UNKNOWN_REQUESTER,
    /** The requester's role and scope do not cover the target. */
    OUT_OF_SCOPE,
    /** The requester used this nonce before, within the replay window. */
    REPLAYED_NONCE,
    /** The issue time is further from now than the allowed skew. */
    STALE,
    /** The requester sent more requests than its rate allows. */
    RATE_LIMITED,
    /** No certificate is known for the target. */
    UNKNOWN_TARGET,
    /**
     * The request could not be recorded durably (an I/O error on this side); nothing was denied or sent, and it may
     * be submitted again, signed with a new nonce.
     */
    UNAVAILABLE
}
