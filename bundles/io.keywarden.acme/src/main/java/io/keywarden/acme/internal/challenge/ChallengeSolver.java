package io.keywarden.acme.internal.challenge;

import io.keywarden.api.enrollment.EnrollmentException;

/**
 * Answers one ACME challenge type (RFC 8555 §8) for an identifier: publishes the response where the CA looks for it
 * and takes it away again. One solver per type; {@link ChallengeSelection} says which type an identifier uses.
 */
public interface ChallengeSolver {

    /** The ACME challenge type, e.g. {@code http-01}. */
    String type();

    /**
     * Checks, before anything is ordered, that a response for {@code identifier} could be published (e.g. that the
     * DNS server accepts our key), so a configuration error fails before the CA holds an order of ours.
     */
    void check(String identifier) throws EnrollmentException, InterruptedException;

    /**
     * Publishes the response and returns once the CA can see it.
     *
     * @param token            the challenge token (http-01 serves it in the path)
     * @param keyAuthorization token + "." + account key thumbprint; never logged
     * @return what takes the response away again; closed after validation, whatever its outcome
     */
    Published publish(String identifier, String token, String keyAuthorization)
            throws EnrollmentException, InterruptedException;

    /** A published response; closing removes it (best effort, never throws). */
    interface Published extends AutoCloseable {
        @Override
        void close();
    }
}
