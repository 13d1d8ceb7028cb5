package io.keywarden.monitor.internal.channel;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads HTTP/1.1 requests with hard limits: the request line and headers together at most {@code maxHead} bytes,
 * a body only with Content-Length (no chunked transfer) and at most {@code maxBody} bytes. A body that is too large
 * is refused from its Content-Length, before it is read. A request must be complete within a time limit counted from
 * its first byte (408 otherwise), so a client trickling bytes cannot hold a worker for long.
 */
final class HttpReader {
    private final InputStream in;
    private final int maxHead;
    private final int maxBody;

    /** A request that cannot be served; {@link #status()} is what the client gets. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        ProtocolException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** A request must arrive whole within this time from its first byte (a client trickling bytes holds a worker). */
    private final long requestNanos;
    private long requestStarted;

    HttpReader(InputStream in, int maxHead, int maxBody, Duration requestTimeout) {
        this.in = new BufferedInputStream(in, 8192);
        this.maxHead = maxHead;
        this.maxBody = maxBody;
        this.requestNanos = requestTimeout.toNanos();
    }

    /** The next request, or empty when the client closed the connection between requests. */
    Optional<HttpRequest> next() throws IOException, ProtocolException {
        requestStarted = 0;
        String requestLine = line(true);
        if (requestLine == null) {
            return Optional.empty();
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[1].startsWith("/")) {
            throw new ProtocolException(400, "malformed request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new ProtocolException(400, "unsupported protocol " + parts[2]);
        }
        Map<String, String> headers = headers(maxHead - requestLine.length());
        byte[] body = body(contentLength(headers, parts[0]));
        return Optional.of(new HttpRequest(parts[0], parts[1], headers, body));
    }

    /** The header lines up to the empty one, names lower case; {@code budget} is what is left of {@code maxHead}. */
    private Map<String, String> headers(int budget) throws IOException, ProtocolException {
        Map<String, String> headers = new HashMap<>();
        while (true) {
            String h = line(false);
            budget -= h.length() + 2;
            if (budget < 0) {
                throw new ProtocolException(431, "request head larger than " + maxHead + " bytes");
            }
            if (h.isEmpty()) {
                return headers;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException(400, "malformed header line");
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (headers.put(name, h.substring(colon + 1).trim()) != null && name.equals("content-length")) {
                throw new ProtocolException(400, "more than one Content-Length");
            }
        }
    }

    /** The body's length from Content-Length, refusing a body too large before any of it is read. */
    private int contentLength(Map<String, String> headers, String method) throws ProtocolException {
        if (headers.containsKey("transfer-encoding")) {
            throw new ProtocolException(411, "chunked bodies are not accepted: send Content-Length");
        }
        String cl = headers.get("content-length");
        if (cl == null) {
            if (method.equals("POST") || method.equals("PUT")) {
                throw new ProtocolException(411, "Content-Length required");
            }
            return 0;
        }
        try {
            long l = Long.parseLong(cl);
            if (l < 0) {
                throw new NumberFormatException();
            }
            if (l > maxBody) {
                throw new ProtocolException(413, "body of " + l + " bytes, at most " + maxBody + " are accepted");
            }
            return (int) l;
        } catch (NumberFormatException e) {
            throw new ProtocolException(400, "bad Content-Length");
        }
    }

    private byte[] body(int length) throws IOException, ProtocolException {
        byte[] body = new byte[length];
        int got = 0;
        while (got < length) {
            int n = in.read(body, got, Math.min(length - got, 8192));
            if (n < 0) {
                break;
            }
            got += n;
            checkDeadline();
        }
        if (got < length) {
            throw new ProtocolException(400, "body shorter than its Content-Length");
        }
        return body;
    }

    private void checkDeadline() throws ProtocolException {
        if (requestStarted != 0 && System.nanoTime() - requestStarted > requestNanos) {
            throw new ProtocolException(408, "request not complete within " + requestNanos / 1_000_000_000L + " s");
        }
    }

    /** One CRLF-terminated ASCII line; null at a clean end of stream before the first byte if {@code eofOk}. */
    private String line(boolean eofOk) throws IOException, ProtocolException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofOk && buf.size() == 0) {
                    return null;
                }
                throw new ProtocolException(400, "connection closed mid-request");
            }
            if (b == '\n') {
                byte[] raw = buf.toByteArray();
                int len = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                return new String(raw, 0, len, StandardCharsets.US_ASCII);
            }
            if (requestStarted == 0) {
                requestStarted = System.nanoTime();
            }
            checkDeadline();
            if (buf.size() >= maxHead) {
                throw new ProtocolException(431, "request head larger than " + maxHead + " bytes");
            }
            buf.write(b);
        }
    }
}
