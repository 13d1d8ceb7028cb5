package io.keywarden.revocation.internal.request;

/** The request's signature does not prove the requester signed it. */
public final class BadSignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadSignatureException(String message) {
        super(message);
    }
}
