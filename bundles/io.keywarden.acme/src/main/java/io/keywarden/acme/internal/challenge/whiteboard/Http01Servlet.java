package io.keywarden.acme.internal.challenge.whiteboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Serves the key authorization of a pending http-01 challenge at {@code /.well-known/acme-challenge/<token>} and
 * nothing else: every other path, and every token that is not pending, is 404.
 */
final class Http01Servlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** ACME tokens are base64url (RFC 8555 §8.1). */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final transient Map<String, String> pending;

    Http01Servlet(Map<String, String> pending) {
        this.pending = pending;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String info = req.getPathInfo();
        String token = info != null && info.startsWith("/") ? info.substring(1) : "";
        String body = TOKEN.matcher(token).matches() ? pending.get(token) : null;
        if (body == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("application/octet-stream");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
