package io.keywarden.est.internal.shell;

import java.time.Duration;

import io.keywarden.api.est.EnrollmentCodes;

/** Gogo commands (scope {@code est}): {@code code}, {@code codes}, {@code uncode}, {@code status}. */
public final class EstCommands {
    public static final String SCOPE = "est";
    public static final String[] FUNCTIONS = {"code", "codes", "uncode", "status"};

    /** What the status command shows. */
    public interface Status {
        String describe();
    }

    private final EnrollmentCodes codes;
    private final Status status;

    public EstCommands(EnrollmentCodes codes, Status status) {
        this.codes = codes;
        this.status = status;
    }

    /** est:code &lt;deviceId&gt; — a one-time enrollment code with the default validity. */
    public String code(String deviceId) {
        return show(codes.create(deviceId, null));
    }

    /** est:code &lt;deviceId&gt; &lt;hours&gt; */
    public String code(String deviceId, int hours) {
        return show(codes.create(deviceId, Duration.ofHours(hours)));
    }

    /** est:uncode &lt;deviceId&gt; — withdraws the device's unused code. */
    public String uncode(String deviceId) {
        return codes.revoke(deviceId) ? "code of " + deviceId + " withdrawn" : deviceId + " had no code";
    }

    /** est:codes — the codes held (device, state, expiry); never their values. */
    public String codes() {
        StringBuilder b = new StringBuilder();
        for (EnrollmentCodes.Listed l : codes.list()) {
            b.append(l.getDeviceId())
                    .append(' ')
                    .append(l.getState())
                    .append(" until ")
                    .append(l.getExpiresAt())
                    .append('\n');
        }
        return b.length() == 0 ? "no enrollment codes" : b.toString().trim();
    }

    public String status() {
        return status.describe();
    }

    private static String show(EnrollmentCodes.Issued i) {
        return "device " + i.getDeviceId() + " code " + i.getCode() + " (single use, until " + i.getExpiresAt()
                + "; shown once, only its hash is kept)";
    }
}
