package io.keywarden.api.config;

import java.security.GeneralSecurityException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Decodes {@code Password}-typed configuration properties on a platform that stores them encoded (Kura encrypts them
 * with its CryptoService). A component with such a property uses the decoder when one is registered and the plain value
 * otherwise; while a bundle that declares this service is installed but its decoder is not registered yet, the
 * component must wait rather than use the encoded value as if it were the secret ({@link #SERVICE_CAPABILITY_NAMESPACE}).
 */
@ProviderType
public interface SecretDecoder {
    /**
     * The capability namespace in which a bundle that will register a decoder declares it (bnd writes it for a DS
     * component providing this service): {@code osgi.service} with {@code objectClass} containing this interface.
     */
    String SERVICE_CAPABILITY_NAMESPACE = "osgi.service";

    /**
     * The secret the operator entered.
     *
     * @param encoded the property's value as delivered to the component, non-empty
     * @return the decoded value; the caller clears it when done
     * @throws GeneralSecurityException if the value cannot be decoded (not encoded by this platform, or corrupted);
     *             the message never contains the value
     */
    char[] decode(String encoded) throws GeneralSecurityException;
}
