package io.keywarden.monitor.internal.channel;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** One HTTP/1.1 request as read off the channel; header names are lower case. */
public record HttpRequest(String method, String path, Map<String, String> headers, byte[] body) {

    public HttpRequest {
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The client asked to close the connection after this request. */
    public boolean wantsClose() {
        return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
    }
}
