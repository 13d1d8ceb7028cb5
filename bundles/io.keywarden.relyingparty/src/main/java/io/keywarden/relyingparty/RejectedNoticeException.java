package io.keywarden.relyingparty;

/** A signed message (a notice, and the fleet's other signed envelopes) that failed a check and must change nothing. */
public final class RejectedNoticeException extends Exception {
    private static final long serialVersionUID = 1L;

    public RejectedNoticeException(String reason) {
        super(reason);
    }
}
