package io.keywarden.monitor.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.keywarden.testing.sensors.Reports;

class ReportParserTest {

    @Test
    void readsAReportTheSimulatorSends() throws Exception {
        StatusReport r = ReportParser.parse(Reports.normal(7, 3));
        assertEquals(7, r.sequence());
        assertEquals(Reports.FIRMWARE_SHA256, r.firmware().sha256());
        assertEquals(2, r.tasks().size());
        assertEquals("broker.sensors.test:8883", r.peers().get(0).endpoint());
        assertEquals(3 * 96, r.peers().get(0).bytes());
    }

    @Test
    void invalidJsonIsNotASchemaError() {
        for (String bad : new String[] {
            "",
            "{",
            "[1,]",
            "{\"a\":01}",
            "{\"a\":1} x",
            "\"\u0001\"",
            "{\"a\":tru}",
            "[".repeat(40) + "]".repeat(40),
            "{\"a\":1,\"a\":1}"
        }) {
            ReportException e = assertThrows(ReportException.class, () -> ReportParser.parse(bad), bad);
            assertTrue(!(e instanceof ReportParser.SchemaException), bad + ": " + e.getMessage());
        }
    }

    @Test
    void schemaViolationsNameTheMember() {
        String good = Reports.normal(1, 1);
        assertSchema("schema must be", good.replace(Reports.SCHEMA, "other/1"));
        assertSchema("report.sequence must be between", good.replace("\"sequence\":1", "\"sequence\":-1"));
        assertSchema("software.firmware.sha256 must be 64 lowercase hex", good.replace(Reports.FIRMWARE_SHA256, "abc"));
        assertSchema("communication.peers[0].port must be between", good.replace(":8883", ":70000"));
        assertSchema("communication.peers[0].host is not", good.replace(Reports.ALLOWED_PEER_HOST, "a b"));
        assertSchema("unknown member \"extra\"", good.replaceFirst("}$", ",\"extra\":true}"));
        assertSchema(
                "report.communication is missing",
                "{\"schema\":\"" + Reports.SCHEMA
                        + "\",\"sequence\":1,\"software\":{\"firmware\":{\"name\":\"a\",\"version\":\"1\",\"sha256\":\""
                        + Reports.FIRMWARE_SHA256 + "\"},\"tasks\":[]}}");
        assertSchema("must be a whole number", good.replace("\"messages\":1", "\"messages\":1.5"));
    }

    private static void assertSchema(String expected, String body) {
        ReportParser.SchemaException e =
                assertThrows(ReportParser.SchemaException.class, () -> ReportParser.parse(body));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
