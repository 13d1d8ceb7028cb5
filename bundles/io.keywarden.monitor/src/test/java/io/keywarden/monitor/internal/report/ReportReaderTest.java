package io.keywarden.monitor.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.keywarden.testing.sensors.Reports;

/**
 * The fast path against the tree-based check, on the simulator's reports and on every one-character edit of one
 * (deleted, doubled, replaced by each character that matters to JSON or to the schema): where the tree-based check
 * accepts, the fast path reads the same report; where it refuses, the fast path gives up (and the tree-based check
 * explains).
 */
class ReportReaderTest {
    private static final String REPLACEMENTS = "{}[]\",:0 9-.eaAfgX~\\\u0001\u007f\u00e9";

    @Test
    void readsTheSimulatorsReportsAsTheTreeBasedCheckDoes() throws Exception {
        for (String r : List.of(Reports.normal(7, 3), Reports.unknownFirmware(1), Reports.forbiddenPeer(0))) {
            StatusReport fast = ReportReader.read(r);
            assertNotNull(fast, r);
            assertEquals(ReportParser.explain(r), fast);
        }
    }

    @Test
    void everyOneCharacterEditIsJudgedAsTheTreeBasedCheckJudgesIt() {
        String base = Reports.normal(12, 5);
        List<String> edits = new ArrayList<>();
        for (int i = 0; i < base.length(); i++) {
            edits.add(base.substring(0, i) + base.substring(i + 1));
            edits.add(base.substring(0, i + 1) + base.substring(i));
            for (char c : REPLACEMENTS.toCharArray()) {
                edits.add(base.substring(0, i) + c + base.substring(i + 1));
            }
        }
        edits.add(base + " ");
        edits.add(base + "{}");
        edits.add(base.replace("\"sequence\":12", "\"sequence\":12,\"sequence\":13"));
        edits.add(base.replace("\"sequence\":12", "\"sequence\":1.2e1"));
        edits.add(base.replace("\"sequence\":12", "\"sequence\":12.0"));
        int accepted = 0;
        for (String e : edits) {
            StatusReport fast = ReportReader.read(e);
            StatusReport tree;
            try {
                tree = ReportParser.explain(e);
            } catch (ReportException refused) {
                assertNull(fast, "accepted by the fast path only: " + e);
                continue;
            }
            assertEquals(tree, fast, e);
            accepted++;
        }
        // some edits keep a valid report (a digit changed, a space added): both paths read those
        assertEquals(true, accepted > 0 && accepted < edits.size(), accepted + " of " + edits.size());
    }
}
