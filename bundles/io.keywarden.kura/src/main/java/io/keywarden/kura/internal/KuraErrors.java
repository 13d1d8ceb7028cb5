package io.keywarden.kura.internal;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;

import io.keywarden.api.enrollment.EnrollmentException;

/** How ACME outcomes appear at Kura's service boundary. */
final class KuraErrors {

    private KuraErrors() {}

    /**
     * A failure the engine keeps retrying (CA unreachable, rate limit, server error) is CONNECTION_FAILED; a refusal
     * retrying cannot fix (rejected identifier, bad CSR, EAB required) is BAD_REQUEST. The CA's problem text is the
     * message, the enrollment exception the cause.
     */
    static KuraException of(EnrollmentException e) {
        return new KuraException(
                e.isRetryable() ? KuraErrorCode.CONNECTION_FAILED : KuraErrorCode.BAD_REQUEST, e, e.getMessage());
    }

    static KuraException unavailable(String what) {
        return new KuraException(KuraErrorCode.NOT_CONNECTED, what + " is not available");
    }
}
