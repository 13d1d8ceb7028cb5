package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Locale;

import io.keywarden.api.revocation.DenyList;

/** The serials denied locally: recorded before the request that caused them is answered. */
public interface DenyListStore extends DenyList {

    /** Lowercase hexadecimal without leading zeros, as CertificateRecord and Pebble write serials. */
    static String normalize(String serial) {
        try {
            return new BigInteger(serial.trim(), 16).toString(16);
        } catch (NumberFormatException e) {
            return serial.trim().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Denies the serials: at once for this instance's lookups, then durably.
     *
     * @throws IOException when they could not be recorded; they stay denied here until the process ends, and the
     *             ticket journal puts them back at the next start
     */
    void addAll(Collection<String> serials) throws IOException;
}
