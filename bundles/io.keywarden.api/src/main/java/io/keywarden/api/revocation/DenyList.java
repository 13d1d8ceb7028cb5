package io.keywarden.api.revocation;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Certificates that must no longer be accepted, from the moment a revocation request is accepted (not when the CA
 * confirms). Enforcement points (the sensor channel, servers) check it at every handshake and request.
 */
@ProviderType
public interface DenyList {

    /** @param serial lowercase hexadecimal, no leading zeros */
    boolean isDenied(String serial);

    Set<String> getDeniedSerials();

    /**
     * When an authority's signed release (a {@link RevocationRequest.Action#RELEASE} request) freed the device that
     * held the revoked or denied certificate {@code serial}. The serial stays denied, but no longer holds its device:
     * the enrollment bundles issue the device one new certificate (renew, enroll, EST), and from then on that
     * certificate is what counts (revoked in turn, it holds the device again: it was never released).
     *
     * @param serial lowercase hexadecimal, no leading zeros
     * @return empty when no release names the serial (the device stays held)
     * @since 1.2
     */
    default Optional<Instant> releasedAt(String serial) {
        return Optional.empty();
    }
}
