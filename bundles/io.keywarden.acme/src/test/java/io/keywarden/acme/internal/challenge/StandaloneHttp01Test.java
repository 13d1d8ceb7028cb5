package io.keywarden.acme.internal.challenge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.testing.pebble.FreePorts;

/**
 * The standalone http-01 responder on Jetty: what it serves and that its port is bound only while challenges are
 * pending (also under concurrent orders). Validation by a real Pebble under hostile clients is
 * {@link StandaloneHttp01PebbleTest}.
 */
class StandaloneHttp01Test {
    private final HttpClient http = HttpClient.newHttpClient();

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "port " + port + " open");
    }

    @Test
    void servesPendingTokensOnlyAndListensOnlyWhileOneIsPending() throws Exception {
        int port = FreePorts.find();
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", port)) {
            responder.ready();
            assertFalse(responder.isOpen());
            assertRefused(port);

            responder.add("tok1", "tok1.thumb");
            responder.add("tok2", "tok2.thumb");
            assertTrue(responder.isOpen());
            HttpResponse<String> ok = get(port, "/.well-known/acme-challenge/tok1");
            assertEquals(200, ok.statusCode());
            assertEquals("tok1.thumb", ok.body());
            assertEquals(404, get(port, "/.well-known/acme-challenge/other").statusCode());
            assertEquals(404, get(port, "/tok1").statusCode());
            assertEquals(404, get(port, "/.well-known/acme-challenge/").statusCode());
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/acme-challenge/tok1"))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());

            responder.remove("tok1");
            assertEquals(404, get(port, "/.well-known/acme-challenge/tok1").statusCode());
            assertEquals(200, get(port, "/.well-known/acme-challenge/tok2").statusCode(), "tok2 is still pending");

            responder.remove("tok2");
            assertFalse(responder.isOpen());
            assertRefused(port);

            responder.add("tok3", "tok3.thumb");
            assertEquals(
                    "tok3.thumb", get(port, "/.well-known/acme-challenge/tok3").body());
        }
        assertRefused(port);
    }

    @Test
    void manyOrdersAtOnceAreEachServedWhileTheirsIsPendingAndThePortClosesAfterTheLast() throws Exception {
        int port = FreePorts.find();
        ExecutorService orders = Executors.newFixedThreadPool(8);
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", port)) {
            List<Future<Integer>> served = new ArrayList<>();
            for (int o = 0; o < 8; o++) {
                int order = o;
                served.add(orders.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 15; i++) {
                        String token = "t" + order + "-" + i;
                        // another order's removal may be closing the listener right now: the add must bind again
                        responder.add(token, token + ".k");
                        HttpResponse<String> r = get(port, "/.well-known/acme-challenge/" + token);
                        if (r.statusCode() == 200 && r.body().equals(token + ".k")) {
                            n++;
                        }
                        responder.remove(token);
                    }
                    return n;
                }));
            }
            for (Future<Integer> f : served) {
                assertEquals(15, f.get(), "a pending token was not served");
            }
            assertFalse(responder.isOpen());
            assertRefused(port);
        } finally {
            orders.shutdownNow();
        }
    }

    @Test
    void theBindCheckLeavesNothingListening() throws Exception {
        int port = FreePorts.find();
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", port)) {
            responder.probe();
            responder.probe();
            assertFalse(responder.isOpen());
            assertRefused(port);
        }
    }

    @Test
    void aTakenPortIsAConfigurationErrorAndAHeadTooLargeIsRefusedAndCounted() throws Exception {
        int port = FreePorts.find();
        try (StandaloneHttp01 first = new StandaloneHttp01("127.0.0.1", port);
                StandaloneHttp01 second = new StandaloneHttp01("127.0.0.1", port)) {
            first.add("t", "t.k");
            assertThrows(IOException.class, second::probe);
            var e = assertThrows(io.keywarden.api.enrollment.EnrollmentException.class, () -> second.add("u", "u.k"));
            assertTrue(e.getMessage().startsWith("http01.port"), e.getMessage());
            assertFalse(second.isOpen());

            String answer = raw(
                    port,
                    "GET /.well-known/acme-challenge/t HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
            assertEquals(1, first.malformedRequests());
            assertEquals(
                    "HTTP/1.1 400", raw(port, "\u0000\u0001 nonsense\r\n\r\n").substring(0, 12));
            assertEquals(200, get(port, "/.well-known/acme-challenge/t").statusCode());
        }
    }

    @Test
    void connectionsBeyondThePerSourceCapAreRefusedAndCounted() throws Exception {
        int port = FreePorts.find();
        List<Socket> held = new ArrayList<>();
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", port)) {
            responder.add("t", "t.k");
            int cap = Http01Limits.DEFAULTS.perSource();
            for (int i = 0; i < cap + 5; i++) {
                held.add(connectFrom("127.0.0.2", port));
            }
            // which five is up to the order in which Jetty's selector opens them
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> responder.refusals(ConnectionRefusal.PER_SOURCE_LIMIT) == 5);
            assertEquals(200, get(port, "/.well-known/acme-challenge/t").statusCode(), "another address is served");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    static Socket connectFrom(String local, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
