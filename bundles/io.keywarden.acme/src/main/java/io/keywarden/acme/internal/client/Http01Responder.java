package io.keywarden.acme.internal.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.threads.NamedThreads;

/**
 * Answers http-01 challenges (RFC 8555 §8.3): {@code GET /.well-known/acme-challenge/<token>} returns the key
 * authorization of a pending challenge, anything else 404. Deliberately tiny: no HTTP server bundle is
 * required on the gateway, and it only ever serves tokens the component put there itself.
 */
public final class Http01Responder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Http01Responder.class);
    private static final String PREFIX = "/.well-known/acme-challenge/";
    private static final int MAX_REQUEST_LINE = 2048;
    private static final int READ_TIMEOUT_MS = 5000;

    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    private final ServerSocket server;
    private final ExecutorService handlers;
    private final Thread acceptor;
    private volatile boolean closed;

    public Http01Responder(String bindAddress, int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 128);
        handlers = new ThreadPoolExecutor(
                8,
                8,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(1024),
                new NamedThreads("keywarden-http01"),
                new ThreadPoolExecutor.AbortPolicy());
        ((ThreadPoolExecutor) handlers).allowCoreThreadTimeOut(true);
        acceptor = new Thread(this::acceptLoop, "keywarden-http01-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("http-01 responder listening on {}:{}", bindAddress, server.getLocalPort());
    }

    public int getPort() {
        return server.getLocalPort();
    }

    public void add(String token, String keyAuthorization) {
        authorizations.put(token, keyAuthorization);
    }

    public void remove(String token) {
        authorizations.remove(token);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                try {
                    handlers.execute(() -> handle(s));
                } catch (RejectedExecutionException e) {
                    // overloaded: close at once so the validator retries instead of waiting for a timeout
                    s.close();
                }
            } catch (SocketException e) {
                if (!closed) {
                    LOG.warn("http-01 responder stopped accepting: {}", e.toString());
                }
                return;
            } catch (IOException e) {
                LOG.debug("http-01 accept failed: {}", e.toString());
            }
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setSoTimeout(READ_TIMEOUT_MS);
            InputStream in = new BufferedInputStream(s.getInputStream());
            String requestLine = readLine(in);
            // drain headers up to the empty line; bodies are not expected on GET
            String line;
            int headers = 0;
            do {
                line = readLine(in);
            } while (line != null && !line.isEmpty() && ++headers < 100);
            respond(s.getOutputStream(), requestLine);
        } catch (IOException e) {
            LOG.debug("http-01 request failed: {}", e.toString());
        }
    }

    private void respond(OutputStream out, String requestLine) throws IOException {
        String[] parts = requestLine == null ? new String[0] : requestLine.split(" ");
        String body = null;
        int status = 400;
        if (parts.length == 3 && ("GET".equals(parts[0]) || "HEAD".equals(parts[0]))) {
            String path = parts[1];
            status = 404;
            if (path.startsWith(PREFIX)) {
                body = authorizations.get(path.substring(PREFIX.length()));
                if (body != null) {
                    status = 200;
                }
            }
            LOG.debug("http-01 {} {} -> {}", parts[0], path, status);
        }
        byte[] payload = (body == null ? "" : body).getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : status == 404 ? " Not Found" : " Bad Request")
                + "\r\nContent-Type: text/plain\r\nContent-Length: " + payload.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (parts.length == 0 || !"HEAD".equals(parts[0])) {
            out.write(payload);
        }
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                buf.write(c);
            }
            if (buf.size() > MAX_REQUEST_LINE) {
                throw new IOException("request line too long");
            }
        }
        if (c == -1 && buf.size() == 0) {
            return null;
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing http-01 socket: {}", e.toString());
        }
        handlers.shutdownNow();
        try {
            acceptor.join(2000);
            handlers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        authorizations.clear();
    }
}
