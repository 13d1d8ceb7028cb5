package io.keywarden.acme.internal.challenge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.http.BoundedThreadPool;
import io.keywarden.support.http.ConnectionGuard;

/**
 * The http-01 listener (RFC 8555 §8.3) on Jetty 9.4, plain HTTP: {@code GET /.well-known/acme-challenge/<token>}
 * answers the key authorization of a pending challenge, anything else 404 (405 for other methods). Every peer is
 * hostile until the CA's validation is over, and a validator must still get through while others misbehave: a small
 * bounded pool, a cap per source address and in total, a total deadline from accept to the request's head and from
 * the head to the answer, a small head limit (Jetty answers 431), no body read, and one request per connection.
 */
final class Http01Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Http01Server.class);
    static final String PREFIX = "/.well-known/acme-challenge/";

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;

    /**
     * Listens at once.
     *
     * @param tokens the pending challenges, token to key authorization (read live: the caller adds and removes)
     * @throws IOException the address cannot be bound
     */
    Http01Server(String host, int port, Http01Limits limits, Map<String, String> tokens, Http01Refusals refusals)
            throws IOException {
        BoundedThreadPool pool = new BoundedThreadPool("keywarden-http01", limits.threads(), limits.queue(), refusals);
        pool.setReservedThreads(0);
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.setOutputBufferSize(4096);
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // answer at the head: a body is never awaited (a GET has none worth reading)
        http.setDelayDispatchUntilContent(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.perRequest().toMillis());
        connector.setAcceptQueueSize(128);
        guard = new ConnectionGuard(
                "keywarden-http01",
                new ConnectionGuard.Limits(
                        limits.perSource(), limits.firstRequest(), limits.perRequest(), null, Duration.ZERO),
                refusals,
                refusals::refused);
        connector.addBean(guard);
        server.addConnector(connector);
        // beyond the total, Jetty stops accepting until a connection closes (they wait in the backlog)
        server.addBean(new ConnectionLimit(limits.total(), connector));
        server.setHandler(new TokenHandler(tokens));
        server.setStopTimeout(1000);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        LOG.info("http-01 responder listening on {}:{}", host, connector.getLocalPort());
    }

    int port() {
        return connector.getLocalPort();
    }

    /**
     * Whether the address can be bound, asked of a Jetty connector that is opened and closed at once: no thread is
     * started and nothing is accepted, so a taken port is a configuration error before an order reaches the CA.
     *
     * @throws IOException the address cannot be bound
     */
    static void checkBindable(String host, int port) throws IOException {
        ServerConnector probe = new ServerConnector(new Server(), 1, 1);
        probe.setHost(host);
        probe.setPort(port);
        probe.setAcceptQueueSize(1);
        try {
            probe.open();
        } finally {
            probe.close();
        }
    }

    int openConnections() {
        return guard.openConnections();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("http-01 responder did not stop cleanly: {}", e.toString());
        } finally {
            guard.close();
        }
        LOG.info("http-01 responder closed (no challenge pending)");
    }

    /** Serves the tokens; the connection is closed after each answer, so none idles on the gateway. */
    private static final class TokenHandler extends AbstractHandler {
        private final Map<String, String> tokens;

        TokenHandler(Map<String, String> tokens) {
            this.tokens = tokens;
        }

        @Override
        public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            base.setHandled(true);
            response.setHeader("Connection", "close");
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                response.setHeader("Allow", "GET, HEAD");
                response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                response.setContentLength(0);
                return;
            }
            String path = base.getHttpURI().getPath();
            String body = path != null && path.startsWith(PREFIX) ? tokens.get(path.substring(PREFIX.length())) : null;
            if (body == null) {
                // unknown paths are not remembered: nothing here grows with what a client asks for
                LOG.debug("http-01 {} {} from {}: 404", method, path, request.getRemoteAddr());
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                response.setContentLength(0);
                return;
            }
            byte[] payload = body.getBytes(StandardCharsets.US_ASCII);
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("application/octet-stream");
            response.setContentLength(payload.length);
            if (!"HEAD".equals(method)) {
                response.getOutputStream().write(payload);
            }
            LOG.debug("http-01 {} {} from {}: 200", method, path, request.getRemoteAddr());
        }
    }
}
