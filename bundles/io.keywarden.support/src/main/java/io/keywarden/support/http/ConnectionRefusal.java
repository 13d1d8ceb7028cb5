package io.keywarden.support.http;

/** Why a connection was closed before (or instead of) an answer; each kind is counted and posted by its server. */
public enum ConnectionRefusal {
    /** The source address already holds as many connections as it may. */
    PER_SOURCE_LIMIT,
    /** The authenticated device already holds as many connections as it may. */
    PER_DEVICE_LIMIT,
    /** The handshake, the first request or a request was not complete within its total deadline. */
    DEADLINE,
    /** Every worker busy and the queue full. */
    POOL_FULL,
    /** The TLS handshake failed (no, foreign or refused client certificate, or no common parameters). */
    HANDSHAKE_FAILED
}
