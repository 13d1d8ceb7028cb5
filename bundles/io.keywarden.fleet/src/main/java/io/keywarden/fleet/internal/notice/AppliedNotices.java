package io.keywarden.fleet.internal.notice;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import io.keywarden.api.revocation.DenyList;
import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.Notice;

/**
 * The serials verified notices denied, as the gateway's {@link DenyList} service: the relying-party library's
 * {@link DenySet} keeps them (in memory for the per-handshake check, and in a file rewritten atomically on every
 * change, so a restart without the broker still denies them).
 */
public final class AppliedNotices implements DenyList {

    private final DenySet denied;

    public AppliedNotices(Path file) throws IOException {
        this.denied = DenySet.open(file);
    }

    /** Denies the notice's serials, on disk first; returns those that were not denied before, in order. */
    public SortedSet<String> apply(Notice notice) throws IOException {
        // sorted, as the log line and the notice-applied event have always listed them
        return Collections.unmodifiableSortedSet(new TreeSet<>(denied.apply(notice)));
    }

    @Override
    public boolean isDenied(String serial) {
        return denied.isDenied(serial);
    }

    @Override
    public Set<String> getDeniedSerials() {
        return denied.getDeniedSerials();
    }
}
