package io.keywarden.demo.servers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * The demo's HTTPS data-collection server: the JDK's HttpsServer on a context built by the relying-party library
 * ({@code RevocationTrustManager.sslContext}), client certificates required. It counts the readings it stored.
 */
final class Collector implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    final AtomicInteger stored = new AtomicInteger();

    Collector(SSLContext context) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/readings", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                stored.incrementAndGet();
                byte[] body = "stored".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.setExecutor(threads);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** One reading on a fresh TLS connection: the HTTP status, or -1 when the handshake was refused. */
    static int send(SSLContext client, int port, String reading) {
        try {
            HttpsURLConnection c =
                    (HttpsURLConnection) new URL("https://127.0.0.1:" + port + "/readings").openConnection();
            c.setSSLSocketFactory(client.getSocketFactory());
            c.setRequestProperty("Connection", "close");
            c.setDoOutput(true);
            c.setConnectTimeout(5_000);
            c.setReadTimeout(5_000);
            c.getOutputStream().write(reading.getBytes(StandardCharsets.UTF_8));
            try (InputStream in = c.getInputStream()) {
                in.readAllBytes();
            }
            return c.getResponseCode();
        } catch (IOException refused) {
            return -1;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
