package io.keywarden.acme.internal.client;

import org.shredzone.acme4j.exception.AcmeException;

/**
 * The CA answered HTTP 404 without a problem document: the resource is not served (any more). Pebble answers so
 * for the certificate of a valid order once that certificate is revoked.
 */
final class CaGoneException extends AcmeException {
    private static final long serialVersionUID = 1L;

    CaGoneException(AcmeException cause) {
        super("HTTP 404: not served by the CA", cause);
    }
}
