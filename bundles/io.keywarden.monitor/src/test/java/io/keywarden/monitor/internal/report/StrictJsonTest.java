package io.keywarden.monitor.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The rules the strictness layer adds to Gson's strict reader, each at its limit and one past it. */
class StrictJsonTest {

    @Test
    void readsObjectsArraysAndNumbersAsTheSchemaCodeExpects() throws Exception {
        Object v = StrictJson.parse(" {\"b\":[1,2.5,-0,1e3],\"a\":{\"t\":true,\"n\":null},\"s\":\"x\\u0041\\n\"} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a", "s"), List.copyOf(m.keySet()), "member order kept");
        assertEquals(
                List.of(new BigDecimal("1"), new BigDecimal("2.5"), new BigDecimal("-0"), new BigDecimal("1e3")),
                m.get("b"));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("t", true);
        inner.put("n", null);
        assertEquals(inner, m.get("a"));
        assertEquals("xA\n", m.get("s"), "escaped control characters are fine");
    }

    @Test
    void duplicateMembersAreRefusedAtAnyDepth() {
        assertRefused("duplicate member \"a\"", "{\"a\":1,\"a\":1}");
        assertRefused("duplicate member \"k\"", "{\"x\":[{\"k\":1,\"j\":2,\"k\":3}]}");
    }

    @Test
    void nestingIsBounded() throws Exception {
        StrictJson.parse(nested(StrictJson.MAX_DEPTH));
        assertRefused("nested deeper than " + StrictJson.MAX_DEPTH, nested(StrictJson.MAX_DEPTH + 1));
        assertRefused("nested deeper than", "[".repeat(100_000) + "]".repeat(100_000));
    }

    @Test
    void rawControlCharactersInStringsAreRefusedWhitespaceBetweenTokensIsNot() throws Exception {
        for (char c : new char[] {0, 1, '\t', '\n', '\r', 0x1f}) {
            assertRefused("control character in a string", "{\"a\":\"x" + c + "y\"}");
            assertRefused("control character in a string", "{\"a" + c + "\":1}");
        }
        assertEquals(Map.of("a", "\"\t"), StrictJson.parse("{\t\"a\"\r\n:\n\"\\\"\\t\"}"));
        assertEquals(Map.of("a\\", "b"), StrictJson.parse("{\"a\\\\\":\"b\"}"), "an escaped backslash ends no string");
    }

    @Test
    void numbersAreBoundedInLength() throws Exception {
        String longest = "1" + "0".repeat(StrictJson.MAX_NUMBER_CHARS - 1);
        assertEquals(new BigDecimal(longest), StrictJson.parse(longest));
        assertRefused("number longer than " + StrictJson.MAX_NUMBER_CHARS, "[" + longest + "0]");
        assertRefused("number longer than", "[1e" + "9".repeat(50) + "]");
        // 39 characters as sent, 41 as written back (found by ReportParserFuzzTest in CI)
        assertRefused("in canonical form", "[3333333333303333333000000000001e1000000]");
        assertRefused("exponent beyond " + StrictJson.MAX_EXPONENT, "[1e401]");
        assertRefused("exponent beyond", "[1e-999999999]");
        assertEquals(new BigDecimal("1e400"), StrictJson.parse("1e400"));
    }

    @Test
    void documentsAreBoundedInSize() throws Exception {
        String pad = "\"" + "x".repeat(StrictJson.MAX_CHARS - 4) + "\"";
        StrictJson.parse("[" + pad + "]");
        assertRefused("longer than " + StrictJson.MAX_CHARS, "[" + pad + " ]");
    }

    @Test
    void whatRfc8259ForbidsIsRefused() {
        for (String bad : new String[] {
            "",
            "{",
            "[1,]",
            "{\"a\":01}",
            "{\"a\":1} x",
            "{\"a\":tru}",
            "{a:1}",
            "['a']",
            "NaN",
            "[1.]",
            "{\"a\":1}{}",
            "[1]//c",
            "[\"\\x\"]",
            ")]}'\n[1]"
        }) {
            ReportException e = assertThrows(ReportException.class, () -> StrictJson.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
            assertTrue(!e.getMessage().contains("setLenient"), "no advice meant for programmers: " + e.getMessage());
        }
    }

    @Test
    void writesWhatItReadsBackEscapingWhatMustBe() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "<a href='x'>\"q\"\\\n\u0001</a>");
        m.put("none", null);
        m.put("list", Arrays.asList(1, 2L, "three", false));
        m.put("nested", Map.of("k", List.of()));
        String json = StrictJson.write(m);
        assertTrue(json.startsWith("{\"text\":\"<a href='x'>\\\"q\\\"\\\\\\n\\u0001</a>\",\"none\":null,"), json);
        Map<?, ?> back = (Map<?, ?>) StrictJson.parse(json);
        assertEquals(m.get("text"), back.get("text"));
        assertTrue(back.containsKey("none") && back.get("none") == null);
        assertEquals(List.of(BigDecimal.ONE, new BigDecimal(2), "three", false), back.get("list"));
        assertEquals(Map.of("k", List.of()), back.get("nested"));
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "1" + "]".repeat(depth);
    }

    private static void assertRefused(String expected, String json) {
        ReportException e = assertThrows(ReportException.class, () -> StrictJson.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
