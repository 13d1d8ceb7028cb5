package io.keywarden.api.enrollment;

import java.security.KeyStore;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whoever holds the gateway's key when the enrollment component does not: on Eclipse Kura, the keystore behind
 * Keywarden's {@code EnrollmentService}, which enrolls through {@link GatewayEnrollmentService#enroll(String)}.
 * Registered as a service, it lets {@link GatewayEnrollmentService#getTlsIdentity()} offer that key, so the sensor
 * channel and the signed fleet inventory work with it too. The enrollment component uses an entry only when its key
 * is the key of the gateway's current certificate, and pairs it with that certificate's chain.
 *
 * @since 1.1
 */
@ConsumerType
public interface GatewayKeyHolder {

    /**
     * The gateway's key and the certificate chain stored with it, as the holder has them now; empty when it holds
     * none or cannot read it. Called on demand (a TLS handshake may call it), so it should be cheap and not block on
     * the network.
     */
    Optional<KeyStore.PrivateKeyEntry> getGatewayEntry();
}
