package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Http01ResponderTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesOnlyTokensItWasGivenAndOnlyWhileTheyArePending() throws Exception {
        try (Http01Responder r = new Http01Responder("127.0.0.1", 0)) {
            int port = r.getPort();
            assertEquals(404, get(port, "/.well-known/acme-challenge/tok1").statusCode());
            r.add("tok1", "tok1.thumbprint");
            HttpResponse<String> ok = get(port, "/.well-known/acme-challenge/tok1");
            assertEquals(200, ok.statusCode());
            assertEquals("tok1.thumbprint", ok.body());
            assertEquals(404, get(port, "/.well-known/acme-challenge/tok2").statusCode());
            assertEquals(404, get(port, "/tok1").statusCode());
            r.remove("tok1");
            assertEquals(404, get(port, "/.well-known/acme-challenge/tok1").statusCode());
        }
    }

    @Test
    void survivesGarbageAndClosesItsPort() throws Exception {
        int port;
        try (Http01Responder r = new Http01Responder("127.0.0.1", 0)) {
            port = r.getPort();
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("\u0000\u0001 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 400", answer.substring(0, 12));
            }
            r.add("t", "t.k");
            assertEquals(200, get(port, "/.well-known/acme-challenge/t").statusCode());
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void aTakenPortIsReported() throws Exception {
        try (Http01Responder first = new Http01Responder("127.0.0.1", 0)) {
            assertThrows(IOException.class, () -> new Http01Responder("127.0.0.1", first.getPort()));
        }
    }
}
