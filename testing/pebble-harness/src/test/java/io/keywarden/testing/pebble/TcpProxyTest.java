package io.keywarden.testing.pebble;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class TcpProxyTest {

    @TempDir
    Path workDir;

    @Test
    void pebbleAnswersThroughTheProxyWithItsUrlsAndTheBlockedProxyRefusesConnections() throws Exception {
        try (PebbleHarness pebble = PebbleHarness.builder(workDir).build().start();
                TcpProxy proxy = TcpProxy.start(pebble.directoryUrl().getPort())) {
            URI viaProxy = URI.create("https://127.0.0.1:" + proxy.port() + "/dir");
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(pebble.sslContext())
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            String dir = http.send(HttpRequest.newBuilder(viaProxy).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(dir.contains("127.0.0.1:" + proxy.port() + "/"), "directory names the proxy's port: " + dir);

            proxy.block();
            IOException refused = assertThrows(
                    IOException.class,
                    () -> HttpClient.newBuilder()
                            .sslContext(pebble.sslContext())
                            .build()
                            .send(HttpRequest.newBuilder(viaProxy).build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(
                    refused instanceof ConnectException || refused.getCause() instanceof ConnectException,
                    refused.toString());

            proxy.unblock();
            String again = HttpClient.newBuilder()
                    .sslContext(pebble.sslContext())
                    .build()
                    .send(HttpRequest.newBuilder(viaProxy).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(again.contains("newOrder"), again);
        }
    }
}
