package io.keywarden.monitor.internal.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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

    void writeTo(OutputStream out) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
