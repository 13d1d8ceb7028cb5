package io.keywarden.acme.internal.client;

import java.time.Instant;
import java.util.Optional;

import org.shredzone.acme4j.exception.AcmeException;

/**
 * The CA (or a proxy in front of it) answered HTTP 429 or 503 without an ACME problem document: it is overloaded or
 * being maintained. acme4j reports such an answer as a bare "HTTP 503" and drops its Retry-After header, which is
 * the one thing a client must honour to stop adding to the load (RFC 9110 §10.2.3); this keeps it.
 */
final class CaBusyException extends AcmeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Instant retryAfter;

    CaBusyException(int status, Instant retryAfter, AcmeException cause) {
        super("HTTP " + status + (retryAfter == null ? "" : ", retry after " + retryAfter), cause);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
