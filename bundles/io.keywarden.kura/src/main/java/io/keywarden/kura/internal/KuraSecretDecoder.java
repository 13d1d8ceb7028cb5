package io.keywarden.kura.internal;

import java.security.GeneralSecurityException;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.keywarden.api.config.SecretDecoder;

/**
 * Kura's ConfigurationService stores every Password-typed property encrypted, and a component receives the encrypted
 * text; Kura's own components decrypt it with {@link CryptoService#decryptAes(char[])}. This does the same for the
 * Keywarden bundles, which must not import Kura: they use this decoder when it is registered.
 */
@Component(service = SecretDecoder.class)
public final class KuraSecretDecoder implements SecretDecoder {
    private final CryptoService crypto;

    @Activate
    public KuraSecretDecoder(@Reference CryptoService crypto) {
        this.crypto = crypto;
    }

    @Override
    public char[] decode(String encoded) throws GeneralSecurityException {
        try {
            return crypto.decryptAes(encoded.toCharArray());
        } catch (KuraException e) {
            // Kura's message names the failure (e.g. DECODER_ERROR), never the value
            throw new GeneralSecurityException("Kura's CryptoService cannot decrypt it: " + e.getCode(), e);
        } catch (RuntimeException e) {
            // a value Kura did not encrypt can fail inside the Base64 decoder
            throw new GeneralSecurityException(
                    "Kura's CryptoService cannot decrypt it: " + e.getClass().getSimpleName());
        }
    }
}
