package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Locale;

import io.keywarden.api.revocation.DenyList;

/** The serials denied locally: recorded before the request that caused them is answered. */
public interface DenyListStore extends DenyList {

    /**
     * Lowercase hexadecimal without leading zeros, as CertificateRecord and Pebble write serials. Called at every
     * request on the sensor channel: plain ASCII hexadecimal is rewritten without a {@link BigInteger}; anything else
     * (a sign, other digits, not a number) is read by {@link BigInteger} as it always was.
     */
    static String normalize(String serial) {
        String t = serial.trim();
        int start = 0;
        while (start < t.length() - 1 && t.charAt(start) == '0') {
            start++;
        }
        boolean lower = true;
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= 'A' && c <= 'F') {
                lower = false;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return normalizeAnyOther(t);
            }
        }
        if (t.isEmpty()) {
            return t;
        }
        String digits = t.substring(start);
        return lower ? digits : digits.toLowerCase(Locale.ROOT);
    }

    private static String normalizeAnyOther(String trimmed) {
        try {
            return new BigInteger(trimmed, 16).toString(16);
        } catch (NumberFormatException e) {
            return trimmed.toLowerCase(Locale.ROOT);
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
