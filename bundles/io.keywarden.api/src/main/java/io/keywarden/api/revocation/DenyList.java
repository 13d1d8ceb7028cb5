package io.keywarden.api.revocation;

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
}
