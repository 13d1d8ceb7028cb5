package io.keywarden.support.config;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

import io.keywarden.api.config.SecretDecoder;

/**
 * The {@code Password}-typed properties of a configuration as the component may use them. On Kura they arrive
 * encrypted and the Kura adapter's {@link SecretDecoder} decrypts them; where no bundle declares a decoder (standalone,
 * Karaf) they are plain. While a bundle that declares one is installed but its decoder is not registered yet (bundles
 * of one deployment package start in any order), the answer is "wait": an encrypted value is never used as the secret.
 */
public final class ConfigSecrets {

    private ConfigSecrets() {}

    /**
     * The configuration with every named non-empty secret decoded, or empty if the decoder is expected but not there.
     *
     * @throws InvalidConfigurationException naming the property if the decoder refuses its value
     */
    public static Optional<Map<String, Object>> decode(
            Map<String, Object> properties, Collection<String> secretKeys, SecretDecoder decoder, BundleContext context)
            throws InvalidConfigurationException {
        List<String> present = secretKeys.stream()
                .filter(k -> properties.get(k) instanceof String s && !s.isEmpty())
                .toList();
        if (present.isEmpty()) {
            return Optional.of(properties);
        }
        if (decoder == null) {
            return decoderDeclared(context) ? Optional.empty() : Optional.of(properties);
        }
        Map<String, Object> out = new HashMap<>(properties);
        for (String key : present) {
            char[] plain = null;
            try {
                plain = decoder.decode((String) properties.get(key));
                out.put(key, new String(plain));
            } catch (GeneralSecurityException e) {
                throw new InvalidConfigurationException(
                        key,
                        "cannot be decrypted by the platform (" + e.getMessage()
                                + "); enter the secret again in the console");
            } finally {
                if (plain != null) {
                    Arrays.fill(plain, '\0');
                }
            }
        }
        return Optional.of(out);
    }

    /** True if an installed bundle declares a {@link SecretDecoder} service (bnd writes that for a DS component). */
    public static boolean decoderDeclared(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            BundleRevision revision = b.getState() == Bundle.UNINSTALLED ? null : b.adapt(BundleRevision.class);
            if (revision == null) {
                continue;
            }
            for (BundleCapability c : revision.getDeclaredCapabilities(SecretDecoder.SERVICE_CAPABILITY_NAMESPACE)) {
                if (c.getAttributes().get("objectClass") instanceof List<?> names
                        && names.contains(SecretDecoder.class.getName())) {
                    return true;
                }
            }
        }
        return false;
    }
}
