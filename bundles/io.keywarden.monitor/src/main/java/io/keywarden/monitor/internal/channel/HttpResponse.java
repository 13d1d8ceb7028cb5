package io.keywarden.monitor.internal.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.servlet.http.HttpServletResponse;

import io.keywarden.monitor.internal.report.StrictJson;

/**
 * An answer on the channel. Bodies are short JSON documents; {@code close} ends the connection after writing (every
 * refusal does, so a refused client must come back through a new handshake).
 */
public record HttpResponse(int status, String body, boolean close) {

    public static HttpResponse json(int status, String body) {
        return new HttpResponse(status, body, false);
    }

    /** An error with a reason, as {"error": "..."}; the connection is closed after it. */
    public static HttpResponse error(int status, String reason) {
        return new HttpResponse(status, StrictJson.write(Map.of("error", reason)), true);
    }

    void writeTo(HttpServletResponse out) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.setStatus(status);
        out.setContentType("application/json");
        out.setContentLength(b.length);
        if (close) {
            out.setHeader("Connection", "close"); // Jetty closes the connection once the answer is written
        }
        out.getOutputStream().write(b);
        if (close) {
            out.flushBuffer(); // answered now, not after Jetty has consumed a body it will never read
        }
    }
}
