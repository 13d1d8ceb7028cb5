package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The serials an authority's signed release freed, with the time of the release. A serial stays denied; its release
 * lets the device get one new certificate ({@link io.keywarden.api.revocation.DenyList#releasedAt}).
 */
public interface ReleaseStore {
    /** Records the release of the serials at {@code at} (a later release of a serial replaces an earlier one). */
    void release(Collection<String> serials, Instant at) throws IOException;

    Optional<Instant> releasedAt(String serial);
}
