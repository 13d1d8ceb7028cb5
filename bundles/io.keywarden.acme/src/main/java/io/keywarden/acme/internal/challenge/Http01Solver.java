package io.keywarden.acme.internal.challenge;

import static java.util.Objects.requireNonNull;

import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.api.enrollment.EnrollmentException;

/**
 * http-01 (RFC 8555 §8.3): the key authorization is served at {@code /.well-known/acme-challenge/<token>} by
 * whatever {@link Tokens} holds it — the embedded responder on its own port, or a servlet on the framework's
 * HTTP Whiteboard.
 */
public final class Http01Solver implements ChallengeSolver {

    /** Where pending http-01 responses are served from. */
    public interface Tokens {
        /** Makes sure responses can be served (e.g. the port is bound); a failure names the property to fix. */
        void ready() throws EnrollmentException;

        void add(String token, String keyAuthorization) throws EnrollmentException;

        void remove(String token);
    }

    private final Tokens tokens;

    public Http01Solver(Tokens tokens) {
        this.tokens = requireNonNull(tokens, "tokens");
    }

    @Override
    public String type() {
        return ChallengeTypes.HTTP_01;
    }

    @Override
    public void check(String identifier) throws EnrollmentException {
        tokens.ready();
    }

    @Override
    public Published publish(String identifier, String token, String keyAuthorization) throws EnrollmentException {
        requireNonNull(token, "token");
        tokens.add(token, requireNonNull(keyAuthorization, "keyAuthorization"));
        return () -> tokens.remove(token);
    }
}
