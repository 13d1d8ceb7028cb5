package io.keywarden.acme.internal.client;

import java.util.Objects;

import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;

import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.api.enrollment.EnrollmentException;

/** An authorization's challenge of the type chosen for its identifier, and why it failed. */
final class Challenges {

    private Challenges() {}

    static TokenChallenge find(Authorization auth, String type, String what) throws EnrollmentException {
        Class<? extends TokenChallenge> kind =
                ChallengeTypes.DNS_01.equals(type) ? Dns01Challenge.class : Http01Challenge.class;
        return auth.findChallenge(kind)
                .orElseThrow(() -> new EnrollmentException(
                        what + ": the CA offers no " + type + " challenge for " + auth.getIdentifier(), null, false));
    }

    static String error(Authorization auth) {
        return auth.getChallenges().stream()
                .map(c -> c.getError().map(Object::toString).orElse(null))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse("no reason given");
    }

    /** The failure of an order the CA declared invalid, naming the authorization that failed when there is one. */
    static EnrollmentException invalid(Order order, String what) {
        for (Authorization auth : order.getAuthorizations()) {
            if (auth.getStatus() == Status.INVALID) {
                return new EnrollmentException(
                        what + ": validation of " + auth.getIdentifier().getDomain() + " failed: "
                                + Challenges.error(auth),
                        null,
                        true);
            }
        }
        return new EnrollmentException(
                what + ": order ended INVALID"
                        + order.getError().map(p -> ": " + p).orElse(""),
                null,
                true);
    }
}
