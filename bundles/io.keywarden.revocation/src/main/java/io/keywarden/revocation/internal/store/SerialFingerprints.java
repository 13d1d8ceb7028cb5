package io.keywarden.revocation.internal.store;

import java.util.Arrays;
import java.util.Collection;

/**
 * A set of 64-bit fingerprints of normalized serials (FNV-1a over the characters), 8 bytes per serial, read without a
 * lock: a serial whose fingerprint is absent is not in the set; one whose fingerprint is present is only probably in
 * it, so the caller confirms a hit. Adds copy the sorted array (a deny list grows rarely and is read at every
 * request). Holds at most {@link #LIMIT} fingerprints; past that it says it is incomplete and keeps no more.
 */
final class SerialFingerprints {
    /** 2 MiB of fingerprints. */
    static final int LIMIT = 262_144;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private volatile long[] sorted = new long[0];
    private volatile boolean complete = true;

    static long fingerprint(String serial) {
        long h = FNV_OFFSET;
        for (int i = 0; i < serial.length(); i++) {
            h ^= serial.charAt(i);
            h *= FNV_PRIME;
        }
        return h;
    }

    /** False when this serial is certainly not in the set; true when it probably is, or the set is incomplete. */
    boolean mightContain(String serial) {
        return !complete || Arrays.binarySearch(sorted, fingerprint(serial)) >= 0;
    }

    synchronized void addAll(Collection<String> serials) {
        if (!complete || serials.isEmpty()) {
            return;
        }
        long[] old = sorted;
        if (old.length + serials.size() > LIMIT) {
            complete = false;
            sorted = new long[0];
            return;
        }
        long[] next = Arrays.copyOf(old, old.length + serials.size());
        int n = old.length;
        for (String s : serials) {
            long f = fingerprint(s);
            if (Arrays.binarySearch(old, f) < 0) {
                next[n++] = f;
            }
        }
        Arrays.sort(next, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || next[distinct - 1] != next[i]) {
                next[distinct++] = next[i];
            }
        }
        sorted = distinct == next.length ? next : Arrays.copyOf(next, distinct);
    }

    boolean isComplete() {
        return complete;
    }

    int size() {
        return sorted.length;
    }
}
