package io.keywarden.revocation.internal.authority;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.RevocationTarget;

/**
 * Whether an authority's role and scope cover a target, judged from what this node knows: the certificates the
 * target resolves to (device id and kind of each) and the gateway each belongs to (this gateway for the local
 * inventory, the sending gateway for one collected over the fleet).
 */
public final class ScopeRules {

    private ScopeRules() {}

    /**
     * @param certificates what the target resolves to (non-empty)
     * @param gatewayOf the gateway a certificate belongs to
     * @return why the target is out of scope, or empty when it is covered
     */
    public static Optional<String> outOfScope(
            Authority a,
            RevocationTarget target,
            Collection<CertificateRecord> certificates,
            Function<CertificateRecord, String> gatewayOf) {
        boolean compromisedGateway = target.getKind() == RevocationTarget.Kind.COMPROMISED_GATEWAY;
        switch (a.getRole()) {
            case FLEET_AUTHORITY:
                return Optional.empty();
            case GATEWAY_MONITOR: {
                String gateway = a.getScope().get(0);
                if (compromisedGateway) {
                    return Optional.of("a gateway monitor cannot declare a gateway compromised");
                }
                for (CertificateRecord r : certificates) {
                    String owner = gatewayOf.apply(r);
                    if (!gateway.equalsIgnoreCase(owner)) {
                        return Optional.of("monitor of gateway " + gateway + " cannot revoke on gateway " + owner);
                    }
                    if (r.getKind() != DeviceKind.SENSOR) {
                        return Optional.of(
                                "a gateway monitor revokes sensors only, " + r.getDeviceId() + " is a " + r.getKind());
                    }
                }
                return Optional.empty();
            }
            case DEVICE: {
                String self = a.getScope().get(0);
                if (compromisedGateway) {
                    return Optional.of("a device cannot declare a gateway compromised");
                }
                for (CertificateRecord r : certificates) {
                    if (!r.getDeviceId().equals(self)) {
                        return Optional.of("device " + self + " may revoke only itself, not " + r.getDeviceId());
                    }
                }
                return Optional.empty();
            }
            case OPERATOR: {
                if (compromisedGateway && !granted(a, target.getValue())) {
                    return Optional.of("operator " + a.getId() + " is not granted gateway " + target.getValue());
                }
                for (CertificateRecord r : certificates) {
                    if (!granted(a, r.getDeviceId())) {
                        return Optional.of("operator " + a.getId() + " is not granted device " + r.getDeviceId());
                    }
                }
                return Optional.empty();
            }
            default:
                return Optional.of("unknown role " + a.getRole());
        }
    }

    private static boolean granted(Authority a, String deviceId) {
        for (String pattern : a.getScope()) {
            if (glob(pattern).matcher(deviceId).matches()) {
                return true;
            }
        }
        return false;
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
