package io.keywarden.acme.internal.client;

import java.util.Set;

import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

import io.keywarden.api.enrollment.EnrollmentException;

/** Sorts CA failures into those worth retrying and those that need a person. */
final class Failures {
    private static final String ACME = "urn:ietf:params:acme:error:";
    /** Problem types that retrying the same request will not fix. */
    private static final Set<String> PERMANENT = Set.of(
            "malformed",
            "badCSR",
            "badPublicKey",
            "badRevocationReason",
            "badSignatureAlgorithm",
            "caa",
            "compound",
            "externalAccountRequired",
            "invalidContact",
            "rejectedIdentifier",
            "unsupportedContact",
            "unsupportedIdentifier",
            "userActionRequired",
            "accountDoesNotExist");

    private Failures() {}

    static EnrollmentException translate(String what, AcmeException e) {
        if (e instanceof AcmeRateLimitedException) {
            AcmeRateLimitedException r = (AcmeRateLimitedException) e;
            return new EnrollmentException(
                    what + ": rate limited by the CA: " + e.getMessage(),
                    e,
                    true,
                    r.getRetryAfter().orElse(null));
        }
        if (e instanceof CaBusyException b) {
            return new EnrollmentException(
                    what + ": CA busy: " + e.getMessage(),
                    e,
                    true,
                    b.retryAfter().orElse(null));
        }
        if (e instanceof AcmeNetworkException) {
            return new EnrollmentException(what + ": CA unreachable: " + rootMessage(e), e, true);
        }
        if (e instanceof AcmeServerException) {
            String type = String.valueOf(((AcmeServerException) e).getType());
            boolean permanent = type.startsWith(ACME) && PERMANENT.contains(type.substring(ACME.length()));
            return new EnrollmentException(what + ": CA refused (" + type + "): " + e.getMessage(), e, !permanent);
        }
        // HTTP errors without a problem document, unexpected responses: usually a CA restarting or a proxy
        return new EnrollmentException(what + ": " + e.getMessage(), e, true);
    }

    /** What a lazily loading getter failed with: the fetch's own exception (often a network one), to be sorted. */
    static AcmeException cause(AcmeLazyLoadingException e) {
        return e.getCause() instanceof AcmeException a ? a : new AcmeException(e.getMessage(), e);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c + ")";
    }
}
