package io.keywarden.fleet.internal;

/** A message on the notice topic that must not change anything. */
final class RejectedNoticeException extends Exception {
    private static final long serialVersionUID = 1L;

    RejectedNoticeException(String reason) {
        super(reason);
    }
}
