package io.keywarden.fleet.internal;

/** A fleet message (notice, inventory, escrow deposit) that failed a check and must not change anything. */
final class RejectedNoticeException extends Exception {
    private static final long serialVersionUID = 1L;

    RejectedNoticeException(String reason) {
        super(reason);
    }
}
