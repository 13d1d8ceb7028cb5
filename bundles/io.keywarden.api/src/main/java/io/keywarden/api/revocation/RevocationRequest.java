package io.keywarden.api.revocation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Objects;

/**
 * The content of a revocation request: what to revoke, why, who asks, and the nonce and issue time that make it
 * usable once. It travels signed by the requester (see {@link RevocationRequestSigner}); the revocation component
 * trusts only what the signature covers.
 */
public final class RevocationRequest {
    /** What the request asks for. */
    public enum Action {
        /** Revoke the target's certificates and deny them locally (the default). */
        REVOKE,
        /**
         * Release a device held because a certificate of it was revoked on its behalf: one new certificate may be
         * issued to it (the revoked serials stay denied). Only the fleet authority and operators may ask.
         */
        RELEASE
    }

    private final Action action;
    private final RevocationTarget target;
    private final RevocationReason reason;
    private final String requester;
    private final String nonce;
    private final Instant issuedAt;

    private RevocationRequest(Builder b) {
        this.action = requireNonNull(b.action, "action");
        this.target = requireNonNull(b.target, "target");
        this.reason = requireNonNull(b.reason, "reason");
        this.requester = requireNonNull(b.requester, "requester");
        this.nonce = requireNonNull(b.nonce, "nonce");
        this.issuedAt = requireNonNull(b.issuedAt, "issuedAt");
        if (requester.isBlank() || nonce.isBlank()) {
            throw new IllegalArgumentException("requester and nonce must not be blank");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @since 1.2 */
    public Action getAction() {
        return action;
    }

    public RevocationTarget getTarget() {
        return target;
    }

    public RevocationReason getReason() {
        return reason;
    }

    /** Id of the configured authority that signs the request. */
    public String getRequester() {
        return requester;
    }

    /** Unique per requester within the replay window. */
    public String getNonce() {
        return nonce;
    }

    public Instant getIssuedAt() {
        return issuedAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RevocationRequest r
                && r.action == action
                && r.target.equals(target)
                && r.reason == reason
                && r.requester.equals(requester)
                && r.nonce.equals(nonce)
                && r.issuedAt.equals(issuedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, target, reason, requester, nonce, issuedAt);
    }

    @Override
    public String toString() {
        return "RevocationRequest[" + (action == Action.RELEASE ? "release " : "") + target + ", " + reason + ", by "
                + requester + ", nonce " + nonce + ", " + issuedAt + "]";
    }

    /** Builds a {@link RevocationRequest}. */
    public static final class Builder {
        private Action action = Action.REVOKE;
        private RevocationTarget target;
        private RevocationReason reason = RevocationReason.UNSPECIFIED;
        private String requester;
        private String nonce;
        private Instant issuedAt;

        private Builder() {}

        /** @since 1.2 */
        public Builder action(Action v) {
            this.action = v;
            return this;
        }

        public Builder target(RevocationTarget v) {
            this.target = v;
            return this;
        }

        public Builder reason(RevocationReason v) {
            this.reason = v;
            return this;
        }

        public Builder requester(String v) {
            this.requester = v;
            return this;
        }

        public Builder nonce(String v) {
            this.nonce = v;
            return this;
        }

        public Builder issuedAt(Instant v) {
            this.issuedAt = v;
            return this;
        }

        public RevocationRequest build() {
            return new RevocationRequest(this);
        }
    }
}
