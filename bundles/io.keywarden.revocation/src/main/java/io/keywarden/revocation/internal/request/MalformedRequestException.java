package io.keywarden.revocation.internal.request;

/** The request is not a well-formed signed revocation request; the message says what is wrong. */
public final class MalformedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String message) {
        super(message);
    }
}
