package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.time.Instant;

/** Nonces seen per requester within the replay window, shared by every instance of the authority's database. */
public interface NonceStore {
    /** What a nonce's use is. */
    enum Use {
        /** Not seen within the window: recorded now. */
        FIRST,
        /** Seen within the window with another request, or with this one and a ticket already journaled for it. */
        REPLAY,
        /**
         * The same signed request again, recorded at least a lease ago, and no ticket was journaled for it: the
         * instance that checked it died before journaling (or refused it). It is judged again; one instance wins.
         */
        RESUBMITTED
    }

    /**
     * Records the nonce with the request's SHA-256 unless it was seen within the window; returns once recorded (before
     * the request it came with is answered).
     */
    Use use(String requester, String nonce, String requestSha256, Instant now) throws IOException;

    /**
     * As {@link #use} for a request whose digest is not known.
     *
     * @return false when it is a replay, on this instance or any other
     */
    default boolean firstUse(String requester, String nonce, Instant now) throws IOException {
        return use(requester, nonce, null, now) == Use.FIRST;
    }
}
