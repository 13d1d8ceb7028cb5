package io.keywarden.api.enrollment;

import java.time.Instant;
import java.util.Optional;

/** A failure a caller of the enrollment services must handle. */
public class EnrollmentException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final transient Instant retryAfter;

    public EnrollmentException(String message, Throwable cause, boolean retryable, Instant retryAfter) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public EnrollmentException(String message, Throwable cause, boolean retryable) {
        this(message, cause, retryable, null);
    }

    /** True when the same request may succeed later (CA unreachable, rate limited, server error). */
    public boolean isRetryable() {
        return retryable;
    }

    /** When the CA asked us to come back, if it did (rate limits). */
    public Optional<Instant> getRetryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
