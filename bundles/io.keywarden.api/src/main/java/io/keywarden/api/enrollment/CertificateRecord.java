package io.keywarden.api.enrollment;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One certificate issued to a device, with what a later renewal or revocation needs: the ordering account,
 * who holds the key, the chain and the ACME certificate URL.
 */
public final class CertificateRecord {
    private final String deviceId;
    private final DeviceKind kind;
    private final List<String> identifiers;
    private final String serial;
    private final Instant notBefore;
    private final Instant notAfter;
    private final List<X509Certificate> chain;
    private final String accountUrl;
    private final String certificateUrl;
    private final KeyCustody keyCustody;
    private final CertificateStatus status;
    private final Instant issuedAt;

    private CertificateRecord(Builder b) {
        this.deviceId = requireNonNull(b.deviceId, "deviceId");
        this.kind = requireNonNull(b.kind, "kind");
        this.identifiers = List.copyOf(requireNonNull(b.identifiers, "identifiers"));
        this.serial = requireNonNull(b.serial, "serial");
        this.notBefore = requireNonNull(b.notBefore, "notBefore");
        this.notAfter = requireNonNull(b.notAfter, "notAfter");
        this.chain = List.copyOf(requireNonNull(b.chain, "chain"));
        this.accountUrl = requireNonNull(b.accountUrl, "accountUrl");
        this.certificateUrl = b.certificateUrl;
        this.keyCustody = requireNonNull(b.keyCustody, "keyCustody");
        this.status = requireNonNull(b.status, "status");
        this.issuedAt = requireNonNull(b.issuedAt, "issuedAt");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy of this record with another status. */
    public CertificateRecord withStatus(CertificateStatus newStatus) {
        return toBuilder().status(newStatus).build();
    }

    public Builder toBuilder() {
        return new Builder()
                .deviceId(deviceId)
                .kind(kind)
                .identifiers(identifiers)
                .serial(serial)
                .notBefore(notBefore)
                .notAfter(notAfter)
                .chain(chain)
                .accountUrl(accountUrl)
                .certificateUrl(certificateUrl)
                .keyCustody(keyCustody)
                .status(status)
                .issuedAt(issuedAt);
    }

    public String getDeviceId() {
        return deviceId;
    }

    public DeviceKind getKind() {
        return kind;
    }

    /** DNS names the certificate was ordered for, in order. */
    public List<String> getIdentifiers() {
        return identifiers;
    }

    /** Serial number, lower-case hex without leading zeros (the form Pebble's management API takes). */
    public String getSerial() {
        return serial;
    }

    public Instant getNotBefore() {
        return notBefore;
    }

    public Instant getNotAfter() {
        return notAfter;
    }

    /** End-entity certificate first, then the issuers as the CA sent them. */
    public List<X509Certificate> getChain() {
        return chain;
    }

    public X509Certificate getCertificate() {
        return chain.get(0);
    }

    /** URL of the ACME account that ordered the certificate (its custodian). */
    public String getAccountUrl() {
        return accountUrl;
    }

    public Optional<String> getCertificateUrl() {
        return Optional.ofNullable(certificateUrl);
    }

    public KeyCustody getKeyCustody() {
        return keyCustody;
    }

    public CertificateStatus getStatus() {
        return status;
    }

    public Instant getIssuedAt() {
        return issuedAt;
    }

    @Override
    public String toString() {
        return deviceId + " serial " + serial + " notAfter " + notAfter + " " + status;
    }

    /** Builds a {@link CertificateRecord}. */
    public static final class Builder {
        private String deviceId;
        private DeviceKind kind;
        private List<String> identifiers;
        private String serial;
        private Instant notBefore;
        private Instant notAfter;
        private List<X509Certificate> chain;
        private String accountUrl;
        private String certificateUrl;
        private KeyCustody keyCustody;
        private CertificateStatus status = CertificateStatus.CURRENT;
        private Instant issuedAt;

        private Builder() {}

        public Builder deviceId(String v) {
            this.deviceId = v;
            return this;
        }

        public Builder kind(DeviceKind v) {
            this.kind = v;
            return this;
        }

        public Builder identifiers(List<String> v) {
            this.identifiers = v;
            return this;
        }

        public Builder serial(String v) {
            this.serial = v;
            return this;
        }

        public Builder notBefore(Instant v) {
            this.notBefore = v;
            return this;
        }

        public Builder notAfter(Instant v) {
            this.notAfter = v;
            return this;
        }

        public Builder chain(List<X509Certificate> v) {
            this.chain = v;
            return this;
        }

        public Builder accountUrl(String v) {
            this.accountUrl = v;
            return this;
        }

        public Builder certificateUrl(String v) {
            this.certificateUrl = v;
            return this;
        }

        public Builder keyCustody(KeyCustody v) {
            this.keyCustody = v;
            return this;
        }

        public Builder status(CertificateStatus v) {
            this.status = v;
            return this;
        }

        public Builder issuedAt(Instant v) {
            this.issuedAt = v;
            return this;
        }

        public CertificateRecord build() {
            return new CertificateRecord(this);
        }
    }
}
