package io.keywarden.revocation.internal.request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.revocation.internal.authority.Authority;
import io.keywarden.revocation.internal.authority.Role;
import io.keywarden.revocation.internal.authority.ScopeRules;
import io.keywarden.revocation.internal.store.NonceStore;

/**
 * Every check a signed request must pass, each time, in this order: well-formed, known requester, signature by
 * that requester's key, issue time within the skew, nonce unseen within the window, rate, known target, scope.
 * The nonce is recorded once the signature is proven, so a replay is caught even of a request refused later on.
 */
public final class RequestChecker {
    private static final Logger LOG = LoggerFactory.getLogger(RequestChecker.class);

    private final Function<String, Optional<Authority>> authorities;
    private final NonceStore nonces;
    private final RateLimiter rate;
    private final TargetResolver targets;
    private final Supplier<String> localGatewayId;
    private final Duration skew;
    private final Clock clock;

    public RequestChecker(
            Function<String, Optional<Authority>> authorities,
            NonceStore nonces,
            RateLimiter rate,
            TargetResolver targets,
            Supplier<String> localGatewayId,
            Duration skew,
            Clock clock) {
        this.authorities = authorities;
        this.nonces = nonces;
        this.rate = rate;
        this.targets = targets;
        this.localGatewayId = localGatewayId;
        this.skew = skew;
        this.clock = clock;
    }

    private static String sha256(String signedRequest) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(signedRequest.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    public Decision check(String signedRequest) {
        Instant now = clock.instant();
        RequestCodec.Parsed parsed;
        try {
            parsed = RequestCodec.parse(signedRequest);
        } catch (MalformedRequestException e) {
            return Decision.refused(null, RefusalReason.MALFORMED, e.getMessage());
        }
        RevocationRequest claimed = parsed.claimed();
        Optional<Authority> authority = authorities.apply(claimed.getRequester());
        if (authority.isEmpty()) {
            return Decision.refused(
                    claimed,
                    RefusalReason.UNKNOWN_REQUESTER,
                    "no authority '" + claimed.getRequester() + "' is configured");
        }
        try {
            RequestCodec.verify(parsed, authority.get().getKey());
        } catch (BadSignatureException e) {
            return Decision.refused(claimed, RefusalReason.BAD_SIGNATURE, e.getMessage());
        }
        Duration age = Duration.between(claimed.getIssuedAt(), now);
        if (age.abs().compareTo(skew) > 0) {
            return Decision.refused(
                    claimed,
                    RefusalReason.STALE,
                    "issued at " + claimed.getIssuedAt() + ", " + age.toSeconds() + " s from now; at most "
                            + skew.toSeconds() + " s allowed");
        }
        try {
            NonceStore.Use use = nonces.use(claimed.getRequester(), claimed.getNonce(), sha256(signedRequest), now);
            if (use == NonceStore.Use.REPLAY) {
                return Decision.refused(
                        claimed,
                        RefusalReason.REPLAYED_NONCE,
                        "nonce " + claimed.getNonce() + " was used before by " + claimed.getRequester());
            }
            if (use == NonceStore.Use.RESUBMITTED) {
                LOG.info(
                        "Request {} of {} sent again with no ticket journaled for it: judged again",
                        claimed.getNonce(),
                        claimed.getRequester());
            }
        } catch (IOException e) {
            return Decision.refused(claimed, RefusalReason.UNAVAILABLE, "cannot record the nonce: " + e.getMessage());
        }
        if (!rate.allow(claimed.getRequester(), now)) {
            return Decision.refused(
                    claimed,
                    RefusalReason.RATE_LIMITED,
                    claimed.getRequester() + " sent more requests than its rate allows; try again in a minute");
        }
        return judgeTarget(authority.get(), claimed, now);
    }

    /** The last checks, on what the request's target resolves to: known, and within the requester's scope. */
    private Decision judgeTarget(Authority authority, RevocationRequest claimed, Instant now) {
        String local = localGatewayId.get();
        List<CertificateRecord> certs = targets.certificates(claimed.getTarget(), now, local);
        if (certs.isEmpty() && !caWillSay(claimed.getTarget())) {
            return Decision.refused(
                    claimed,
                    RefusalReason.UNKNOWN_TARGET,
                    "no unexpired certificate is known for " + claimed.getTarget());
        }
        if (claimed.getAction() == RevocationRequest.Action.RELEASE) {
            Optional<String> why = releaseRefusal(authority, claimed.getTarget());
            if (why.isPresent()) {
                return Decision.refused(claimed, RefusalReason.OUT_OF_SCOPE, why.get());
            }
        }
        Optional<String> out =
                ScopeRules.outOfScope(authority, claimed.getTarget(), certs, r -> targets.gatewayOf(r, local), local);
        if (out.isPresent()) {
            return Decision.refused(claimed, RefusalReason.OUT_OF_SCOPE, out.get());
        }
        List<String> accounts = claimed.getTarget().getKind() == RevocationTarget.Kind.COMPROMISED_GATEWAY
                ? new ArrayList<>(targets.accountsOf(claimed.getTarget().getValue()))
                : List.of();
        return Decision.accepted(claimed, certs, accounts);
    }

    /**
     * A release names one device (or one of its certificates) and comes from the fleet authority or an operator:
     * a gateway's monitor or the device itself must not lift what a revocation holds.
     */
    private static Optional<String> releaseRefusal(Authority authority, RevocationTarget target) {
        if (target.getKind() != RevocationTarget.Kind.DEVICE && target.getKind() != RevocationTarget.Kind.CERTIFICATE) {
            return Optional.of("a release names a DEVICE or a CERTIFICATE, not " + target.getKind());
        }
        if (authority.getRole() != Role.FLEET_AUTHORITY && authority.getRole() != Role.OPERATOR) {
            return Optional.of("authority " + authority.getId() + " ("
                    + authority.getRole().configName()
                    + ") may not release a held device; only the fleet authority and operators may");
        }
        return Optional.empty();
    }

    /** A compromised gateway that reported nothing still has an account the CA can be asked about. */
    private boolean caWillSay(RevocationTarget target) {
        return target.getKind() == RevocationTarget.Kind.COMPROMISED_GATEWAY
                && targets.hasPinnedAccount(target.getValue());
    }
}
