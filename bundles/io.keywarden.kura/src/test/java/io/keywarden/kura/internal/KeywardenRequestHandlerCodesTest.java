package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.request.RequestHandlerContext;
import org.eclipse.kura.message.KuraPayload;
import org.junit.jupiter.api.Test;

/** Enrollment codes through KEYWARDEN-V1: GET codes, EXEC code/<device>[/<hours>], EXEC uncode/<device>. */
class KeywardenRequestHandlerCodesTest {
    private final FakeEnrollmentCodes codes = new FakeEnrollmentCodes();
    private final KeywardenRequestHandler handler = new KeywardenRequestHandler();

    KeywardenRequestHandlerCodesTest() {
        handler.codes = codes;
    }

    private static RequestHandlerContext context() {
        return new RequestHandlerContext(null, Map.of());
    }

    private static KuraMessage request(String... args) {
        return new KuraMessage(new KuraPayload(), Map.of(KeywardenRequestHandler.ARGS_KEY, List.of(args)));
    }

    private static String body(KuraMessage m) {
        return new String(m.getPayload().getBody(), StandardCharsets.UTF_8);
    }

    private static void expect(KuraErrorCode code, org.junit.jupiter.api.function.Executable call) {
        KuraException e = assertThrows(KuraException.class, call);
        assertEquals(code, e.getCode(), e.getMessage());
    }

    @Test
    void aCodeIsInItsCreationsReplyOnlyAndCanBeWithdrawn() throws Exception {
        KuraMessage created = handler.doExec(context(), request("code", "sensor-1", "48"));
        String code = codes.issued.get("sensor-1");
        assertEquals(code, created.getPayload().getMetric("code"));
        assertEquals("sensor-1", created.getPayload().getMetric("device.id"));
        assertEquals("2026-12-08T12:00:00Z", created.getPayload().getMetric("expires.at"));
        assertTrue(body(created).contains(code));
        assertEquals(List.of(Duration.ofHours(48)), codes.validities);
        handler.doExec(context(), request("code", "sensor-2"));
        assertEquals(null, codes.validities.get(1), "no hours: the EST server's default");

        KuraMessage listed = handler.doGet(context(), request("codes"));
        assertEquals(2, listed.getPayload().getMetric("count"));
        assertTrue(body(listed).contains("\"device.id\":\"sensor-1\",\"state\":\"UNUSED\""), body(listed));
        assertFalse(body(listed).contains(code) || body(listed).contains("SECRET"), body(listed));
        assertEquals(null, listed.getPayload().getMetric("code"));

        KuraMessage withdrawn = handler.doExec(context(), request("uncode", "sensor-1"));
        assertEquals(true, withdrawn.getPayload().getMetric("withdrawn"));
        expect(KuraErrorCode.NOT_FOUND, () -> handler.doExec(context(), request("uncode", "sensor-1")));
        assertFalse(body(handler.doGet(context(), request("codes"))).contains("sensor-1"));
    }

    @Test
    void badArgumentsAreBadRequestsAndCreateNothing() {
        for (String hours : List.of("0", "-1", "x", "9999999")) {
            expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code", "sensor-1", hours)));
        }
        expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code")));
        expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code", "sensor-1", "1", "2")));
        expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code", "../etc")));
        expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code", "gateway-9")));
        expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("uncode")));
        expect(KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("uncode", "a b")));
        assertTrue(codes.issued.isEmpty());
    }

    @Test
    void withoutTheEstServerCodesAreUnavailable() {
        handler.codes = null;
        expect(KuraErrorCode.NOT_CONNECTED, () -> handler.doGet(context(), request("codes")));
        expect(KuraErrorCode.NOT_CONNECTED, () -> handler.doExec(context(), request("code", "sensor-1")));
        expect(KuraErrorCode.NOT_CONNECTED, () -> handler.doExec(context(), request("uncode", "sensor-1")));
    }
}
