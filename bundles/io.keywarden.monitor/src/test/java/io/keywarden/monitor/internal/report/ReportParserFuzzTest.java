package io.keywarden.monitor.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The sensor channel's body parser on arbitrary bytes, decoded as the channel decodes them (UTF-8). Only
 * {@link ReportException} (and its {@link ReportParser.SchemaException}) may come out; a report that is accepted
 * keeps the schema's bounds, and the JSON it was read from survives a write and a second read unchanged (the
 * incident log stores values through {@link StrictJson#write}). The channel's fast path ({@link ReportReader}) accepts
 * exactly the reports the tree-based check accepts, and reads them the same. Regression inputs:
 * src/test/resources/io/keywarden/monitor/internal/report/ReportParserFuzzTestInputs/report/.
 */
class ReportParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void report(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        Object json;
        try {
            json = StrictJson.parse(text);
        } catch (ReportException e) {
            assertRefused(text);
            return;
        }
        try {
            assertEquals(json, StrictJson.parse(StrictJson.write(json)), "write and read again changes the value");
        } catch (ReportException e) {
            throw new AssertionError("StrictJson cannot read what it wrote: " + e.getMessage(), e);
        }
        StatusReport fast = ReportReader.read(text);
        try {
            StatusReport r = ReportParser.explain(text);
            assertEquals(r, fast, "the fast path reads an accepted report as the tree-based check does");
            assertTrue(r.tasks().size() <= ReportParser.MAX_TASKS, "more tasks than the schema allows");
            assertTrue(r.peers().size() <= ReportParser.MAX_PEERS, "more peers than the schema allows");
            r.peers().forEach(p -> assertTrue(p.port() >= 1 && p.port() <= 65535, "port out of range"));
        } catch (ReportParser.SchemaException e) {
            // valid JSON, not a report: the channel answers 422
            assertNull(fast, "the fast path accepts what the tree-based check refuses");
        } catch (ReportException e) {
            throw new AssertionError("JSON that StrictJson read is refused as invalid JSON: " + e.getMessage(), e);
        }
    }

    private static void assertRefused(String text) {
        assertNull(ReportReader.read(text), "the fast path accepts invalid JSON");
        try {
            ReportParser.parse(text);
            throw new AssertionError("the report parser accepts what StrictJson refuses");
        } catch (ReportParser.SchemaException e) {
            throw new AssertionError("invalid JSON reported as a schema error: " + e.getMessage(), e);
        } catch (ReportException expected) {
            // the channel answers 400
        }
    }
}
