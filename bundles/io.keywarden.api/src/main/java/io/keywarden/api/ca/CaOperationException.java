package io.keywarden.api.ca;

import java.time.Instant;
import java.util.Optional;

/**
 * A CA operation that did not succeed. Transient failures (CA unreachable, HTTP 5xx, badNonce, rate limits) are
 * worth retrying as they are; a definitive refusal (e.g. {@code unauthorized}) will not change by retrying the same
 * route.
 */
public class CaOperationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    private final String problemType;
    private final Instant retryAfter;

    public CaOperationException(
            String message, Throwable cause, boolean transientFailure, String problemType, Instant retryAfter) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.problemType = problemType;
        this.retryAfter = retryAfter;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** The ACME problem type, e.g. {@code urn:ietf:params:acme:error:unauthorized}, when the CA sent one. */
    public Optional<String> getProblemType() {
        return Optional.ofNullable(problemType);
    }

    /** When the CA asked to be tried again (rate limits). */
    public Optional<Instant> getRetryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
