package io.keywarden.revocation.internal.authority;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.RevocationTarget;

/**
 * Whether an authority's role and scope cover a target, judged from what this node knows: the certificates the
 * target resolves to (device id and kind of each) and the gateway each belongs to (this gateway for the local
 * inventory, the sending gateway for one collected over the fleet). Device ids are unique per gateway only, so every
 * check names the gateway too: a scope entry {@code sensor-1@gw1} (operators: patterns on both sides) covers
 * {@code sensor-1} of {@code gw1} only; an entry without {@code @} covers devices of this node's own gateway only.
 */
public final class ScopeRules {

    private ScopeRules() {}

    /** One scope entry: a device id (or pattern) and the gateway id (or pattern) it is bound to. */
    record Entry(String device, String gateway) {
        static Entry parse(String entry, String localGatewayId) {
            int at = entry.lastIndexOf('@');
            return at < 0
                    ? new Entry(entry, localGatewayId)
                    : new Entry(entry.substring(0, at), entry.substring(at + 1));
        }

        boolean covers(String deviceId, String gatewayId) {
            return glob(device).matcher(deviceId).matches()
                    && glob(gateway.toLowerCase(Locale.ROOT))
                            .matcher(gatewayId.toLowerCase(Locale.ROOT))
                            .matches();
        }

        @Override
        public String toString() {
            return device + "@" + gateway;
        }
    }

    /**
     * @param certificates what the target resolves to (non-empty)
     * @param gatewayOf the gateway a certificate belongs to
     * @param localGatewayId this node's own gateway, which unqualified scope entries are bound to
     * @return why the target is out of scope, or empty when it is covered
     */
    public static Optional<String> outOfScope(
            Authority a,
            RevocationTarget target,
            Collection<CertificateRecord> certificates,
            Function<CertificateRecord, String> gatewayOf,
            String localGatewayId) {
        boolean compromisedGateway = target.getKind() == RevocationTarget.Kind.COMPROMISED_GATEWAY;
        switch (a.getRole()) {
            case FLEET_AUTHORITY:
                return Optional.empty();
            case GATEWAY_MONITOR:
                return compromisedGateway
                        ? Optional.of("a gateway monitor cannot declare a gateway compromised")
                        : monitor(a, certificates, gatewayOf);
            case DEVICE: {
                Entry self = Entry.parse(a.getScope().get(0), localGatewayId);
                if (compromisedGateway) {
                    return Optional.of("a device cannot declare a gateway compromised");
                }
                for (CertificateRecord r : certificates) {
                    String owner = gatewayOf.apply(r);
                    if (!r.getDeviceId().equals(self.device())
                            || !self.gateway().equalsIgnoreCase(owner)) {
                        return Optional.of(
                                "device " + self + " may revoke only itself, not " + r.getDeviceId() + "@" + owner);
                    }
                }
                return Optional.empty();
            }
            case OPERATOR: {
                if (compromisedGateway && !granted(a, target.getValue(), target.getValue(), localGatewayId)) {
                    return Optional.of("operator " + a.getId() + " is not granted gateway " + target.getValue());
                }
                for (CertificateRecord r : certificates) {
                    String owner = gatewayOf.apply(r);
                    if (!granted(a, r.getDeviceId(), owner, localGatewayId)) {
                        return Optional.of(
                                "operator " + a.getId() + " is not granted device " + r.getDeviceId() + "@" + owner);
                    }
                }
                return Optional.empty();
            }
            default:
                return Optional.of("unknown role " + a.getRole());
        }
    }

    private static Optional<String> monitor(
            Authority a, Collection<CertificateRecord> certificates, Function<CertificateRecord, String> gatewayOf) {
        String gateway = a.getScope().get(0);
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

    private static boolean granted(Authority a, String deviceId, String gatewayId, String localGatewayId) {
        for (String s : a.getScope()) {
            if (Entry.parse(s, localGatewayId).covers(deviceId, gatewayId)) {
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
