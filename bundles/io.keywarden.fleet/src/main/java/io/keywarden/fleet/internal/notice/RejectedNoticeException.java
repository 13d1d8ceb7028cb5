package io.keywarden.fleet.internal.notice;

/** A fleet message (notice, inventory, escrow deposit) that failed a check and must not change anything. */
public final class RejectedNoticeException extends Exception {
    private static final long serialVersionUID = 1L;

    public RejectedNoticeException(String reason) {
        super(reason);
    }
}
