package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The JSON the REST resource and KEYWARDEN-V1 write, now through Gson, is byte for byte what the hand-written writer
 * it replaced produced for the same documents: keys in map order, strings escaped the same way, numbers and booleans
 * bare, nested maps and lists, null kept, no HTML escaping.
 */
class ViewsJsonTest {

    @Test
    void documentsAreWrittenAsBefore() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", "<a href='x'>&</a>");
        inner.put("empty", List.of());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("z.first", "quote \" backslash \\ newline \n return \r tab \t bell \u0007");
        doc.put("count", 3);
        doc.put("big", 12345678901L);
        doc.put("ok", true);
        doc.put("none", null);
        doc.put("serials", List.of("0a1b", "ff"));
        doc.put("evidence", inner);
        doc.put("ünïcode", "gateway-α");
        assertEquals(
                "{\"z.first\":\"quote \\\" backslash \\\\ newline \\n return \\r tab \\t bell \\u0007\","
                        + "\"count\":3,\"big\":12345678901,\"ok\":true,\"none\":null,\"serials\":[\"0a1b\",\"ff\"],"
                        + "\"evidence\":{\"k\":\"<a href='x'>&</a>\",\"empty\":[]},\"ünïcode\":\"gateway-α\"}",
                Views.json(doc));
    }

    @Test
    void listsOfDocuments() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("device.id", "s1");
        a.put("attempts", 0);
        assertEquals("[{\"device.id\":\"s1\",\"attempts\":0}]", Views.json(List.of(a)));
        assertEquals("[]", Views.json(List.of()));
    }
}
