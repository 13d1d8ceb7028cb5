package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.time.Instant;

/** Nonces seen per requester within the replay window, shared by every instance of the authority's database. */
public interface NonceStore {
    /**
     * Records the nonce unless it was seen within the window; returns once recorded (before the request it came with
     * is answered).
     *
     * @return false when it is a replay, on this instance or any other
     */
    boolean firstUse(String requester, String nonce, Instant now) throws IOException;
}
