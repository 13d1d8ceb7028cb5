package io.keywarden.api.monitor;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A deviation from policy the monitor turned into a decision, with the evidence it acted on. */
public final class Incident {
    private final String id;
    private final String deviceId;
    private final String serial;
    private final String rule;
    private final Severity severity;
    private final ResponseAction action;
    private final Instant observedAt;
    private final Instant decidedAt;
    private final Map<String, String> evidence;
    private final String revocationTicketId;

    private Incident(Builder b) {
        this.id = requireNonNull(b.id, "id");
        this.deviceId = requireNonNull(b.deviceId, "deviceId");
        this.serial = b.serial;
        this.rule = requireNonNull(b.rule, "rule");
        this.severity = requireNonNull(b.severity, "severity");
        this.action = requireNonNull(b.action, "action");
        this.observedAt = requireNonNull(b.observedAt, "observedAt");
        this.decidedAt = requireNonNull(b.decidedAt, "decidedAt");
        this.evidence = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(b.evidence, "evidence")));
        this.revocationTicketId = b.revocationTicketId;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder()
                .id(id)
                .deviceId(deviceId)
                .serial(serial)
                .rule(rule)
                .severity(severity)
                .action(action)
                .observedAt(observedAt)
                .decidedAt(decidedAt)
                .revocationTicketId(revocationTicketId);
        b.evidence.putAll(evidence);
        return b;
    }

    public String getId() {
        return id;
    }

    public String getDeviceId() {
        return deviceId;
    }

    /** The certificate the device presented when the deviation was seen (absent for gateway-side findings). */
    public Optional<String> getSerial() {
        return Optional.ofNullable(serial);
    }

    /** The rule that fired, e.g. {@code unknown-firmware}. */
    public String getRule() {
        return rule;
    }

    public Severity getSeverity() {
        return severity;
    }

    public ResponseAction getAction() {
        return action;
    }

    /** When the gateway received the request or made the observation that showed the deviation. */
    public Instant getObservedAt() {
        return observedAt;
    }

    /** When the response was in force (for QUARANTINE and REVOKE: the device is refused from this instant). */
    public Instant getDecidedAt() {
        return decidedAt;
    }

    /** What was seen, as short key/value pairs (e.g. {@code firmware.sha256}, {@code peer}). */
    public Map<String, String> getEvidence() {
        return evidence;
    }

    /** The revocation ticket, for REVOKE once the request was submitted. */
    public Optional<String> getRevocationTicketId() {
        return Optional.ofNullable(revocationTicketId);
    }

    @Override
    public String toString() {
        return id + " " + severity + " " + rule + " " + deviceId + " -> " + action + " " + evidence;
    }

    /** Builds an {@link Incident}. */
    public static final class Builder {
        private String id;
        private String deviceId;
        private String serial;
        private String rule;
        private Severity severity;
        private ResponseAction action;
        private Instant observedAt;
        private Instant decidedAt;
        private final Map<String, String> evidence = new LinkedHashMap<>();
        private String revocationTicketId;

        private Builder() {}

        public Builder id(String v) {
            this.id = v;
            return this;
        }

        public Builder deviceId(String v) {
            this.deviceId = v;
            return this;
        }

        public Builder serial(String v) {
            this.serial = v;
            return this;
        }

        public Builder rule(String v) {
            this.rule = v;
            return this;
        }

        public Builder severity(Severity v) {
            this.severity = v;
            return this;
        }

        public Builder action(ResponseAction v) {
            this.action = v;
            return this;
        }

        public Builder observedAt(Instant v) {
            this.observedAt = v;
            return this;
        }

        public Builder decidedAt(Instant v) {
            this.decidedAt = v;
            return this;
        }

        public Builder evidence(String key, String value) {
            evidence.put(key, String.valueOf(value));
            return this;
        }

        public Builder revocationTicketId(String v) {
            this.revocationTicketId = v;
            return this;
        }

        public Incident build() {
            return new Incident(this);
        }
    }
}
