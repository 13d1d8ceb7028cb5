package io.keywarden.fleet.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * One issuance log entry as the authority reads it behind a gateway's signature (and as a gateway reads its own log
 * file back): {@link IssuanceEvent#parse}. Only {@link RejectedNoticeException} may escape; an entry that parses has
 * a positive sequence, a hex {@code prev}, the hash of exactly the text it was read from, and is written again by
 * {@link IssuanceEvent#create} into an entry that parses to the same record. Regression inputs:
 * src/test/resources/io/keywarden/fleet/internal/log/IssuanceEventFuzzTestInputs/entry/.
 */
class IssuanceEventFuzzTest {
    private static final String GW = "gw-1.fleet.test";

    @FuzzTest(maxDuration = "30s")
    void entry(byte[] input) {
        String payload = new String(input, StandardCharsets.UTF_8);
        IssuanceEvent e;
        try {
            e = IssuanceEvent.parse(payload, GW);
        } catch (RejectedNoticeException expected) {
            return; // the documented refusal
        }
        assertTrue(e.seq() >= 1, "sequence " + e.seq());
        assertTrue(e.prev().matches("[0-9a-f]{64}"), "prev " + e.prev());
        assertEquals(IssuanceEvent.sha256(payload), e.hash(), "the hash covers the text as read");
        IssuanceEvent again = IssuanceEvent.create(GW, e.seq(), e.prev(), 1L, e.record());
        try {
            IssuanceEvent read = IssuanceEvent.parse(again.payload(), GW);
            assertEquals(e.record(), read.record(), "a record survives a write and a read");
        } catch (RejectedNoticeException x) {
            throw new AssertionError("an entry the authority wrote does not read back: " + x.getMessage(), x);
        }
    }
}
