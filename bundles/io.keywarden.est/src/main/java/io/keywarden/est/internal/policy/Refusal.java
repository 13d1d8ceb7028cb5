package io.keywarden.est.internal.policy;

import static java.util.Objects.requireNonNull;

/**
 * A request the EST server refuses: the HTTP status (RFC 7030 §4.2.3 leaves the choice to HTTP), the reason the client
 * is told and, when it differs, the precise reason only the audit log gets (a client guessing codes must not learn
 * which guess came close).
 */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String auditReason;
    private final transient String deviceId;

    public Refusal(int status, String reason) {
        this(status, reason, reason, null);
    }

    public Refusal(int status, String reason, String auditReason, String deviceId) {
        super(requireNonNull(reason, "reason"));
        this.status = status;
        this.auditReason = requireNonNull(auditReason, "auditReason");
        this.deviceId = deviceId;
    }

    public static Refusal badRequest(String reason) {
        return new Refusal(400, reason);
    }

    public static Refusal forbidden(String reason, String deviceId) {
        return new Refusal(403, reason, reason, deviceId);
    }

    public int getStatus() {
        return status;
    }

    public String getAuditReason() {
        return auditReason;
    }

    /** The device the request spoke for, when known. */
    public String getDeviceId() {
        return deviceId;
    }

    /** The same refusal, now knowing the device. */
    public Refusal forDevice(String id) {
        return deviceId != null ? this : new Refusal(status, getMessage(), auditReason, id);
    }
}
