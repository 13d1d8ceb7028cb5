package io.keywarden.monitor.internal.channel;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.http.ConnectionGuard;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.support.http.DeviceConnections;

/**
 * The channel's one Jetty handler. The first request of a connection admits its client certificate again (a resumed
 * TLS session skips the trust manager) and attaches the identity to the connection, within the per-device cap; every
 * request is then checked against the deny lists and quarantine before the monitor sees it, so a decision taken
 * while a sensor is connected applies to its next request. Bodies need a Content-Length within the limit; a request
 * not complete within its deadline gets 408. Every refusal is reported and closes the connection.
 */
final class ChannelRequests extends AbstractHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRequests.class);

    private final ChannelOptions options;
    private final Admission admission;
    private final ClientCertificateGate gate;
    private final ChannelHandler handler;
    private final ConnectionGuard guard;
    private final DeviceConnections<ClientIdentity> devices;
    private final SensorChannel.Refusals refusals;

    ChannelRequests(
            ChannelOptions options,
            Admission admission,
            ClientCertificateGate gate,
            ChannelHandler handler,
            ConnectionGuard guard,
            DeviceConnections<ClientIdentity> devices,
            SensorChannel.Refusals refusals) {
        this.options = options;
        this.admission = admission;
        this.gate = gate;
        this.handler = handler;
        this.guard = guard;
        this.devices = devices;
        this.refusals = refusals;
    }

    @Override
    public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        base.setHandled(true);
        String source = req.getRemoteAddr();
        ClientIdentity client = identify(base, req, source, resp);
        if (client == null) {
            return;
        }
        if (Boolean.TRUE.equals(base.getAttribute(ConnectionGuard.LATE))) {
            refuse(
                    resp,
                    client,
                    408,
                    "request not complete within " + options.handshakeTimeout().toSeconds() + " s");
            return;
        }
        long received = System.nanoTime();
        Optional<String> refusal = admission.refusal(client.record());
        if (refusal.isPresent()) {
            invalidate(base);
            refuse(resp, client, 403, refusal.get());
            return;
        }
        HttpRequest request = read(base, req, resp, client);
        if (request == null) {
            return;
        }
        HttpResponse response;
        try {
            response = handler.handle(client, request, received);
        } catch (RuntimeException e) {
            LOG.error(
                    "Sensor channel: request {} {} of {} failed",
                    request.method(),
                    request.path(),
                    client.deviceId(),
                    e);
            response = HttpResponse.error(500, "internal error");
        }
        response.writeTo(resp);
    }

    /** The connection's admitted identity; null (refusal answered) when its certificate or its device's cap refuses it. */
    private ClientIdentity identify(Request base, HttpServletRequest req, String source, HttpServletResponse resp)
            throws IOException {
        EndPoint endPoint = base.getHttpChannel().getEndPoint();
        ClientIdentity known = devices.identity(endPoint);
        if (known != null) {
            return known;
        }
        X509Certificate[] chain = peerChain(session(base));
        ClientIdentity client;
        try {
            client = new ClientIdentity(gate.admit(chain, source), source);
        } catch (ClientCertificateGate.Refusal e) {
            admission.refused("handshake", e.getMessage(), e.serial(), source);
            drop(base);
            return null;
        } catch (CertificateException e) {
            admission.refused("handshake", e.getMessage(), null, source);
            drop(base);
            return null;
        }
        if (!devices.attach(endPoint, client)) {
            refusals.refused(ConnectionRefusal.PER_DEVICE_LIMIT, source, client.deviceId());
            HttpResponse.error(
                            429,
                            "device " + client.deviceId() + " already holds " + options.perDevice() + " connections")
                    .writeTo(resp);
            return null;
        }
        return client;
    }

    /**
     * A resumed session skipped the trust manager and its certificate is refused now: the connection ends without an
     * answer, as a handshake refusal does, and the session cannot be resumed again.
     */
    private static void drop(Request base) {
        invalidate(base);
        base.getHttpChannel().getEndPoint().close();
    }

    /** A refused client must come back through a full handshake, where the trust manager sees it. */
    private static void invalidate(Request base) {
        SSLSession s = session(base);
        if (s != null) {
            s.invalidate();
        }
    }

    /**
     * The connection's TLS session, straight from its engine: Jetty's SecureRequestCustomizer would parse the peer's
     * chain a second time and keep that copy in every session (kilobytes per kept-alive sensor).
     */
    private static SSLSession session(Request base) {
        EndPoint endPoint = base.getHttpChannel().getEndPoint();
        return endPoint instanceof SslConnection.DecryptedEndPoint tls
                ? tls.getSslConnection().getSSLEngine().getSession()
                : null;
    }

    private static X509Certificate[] peerChain(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] peer = session.getPeerCertificates();
            X509Certificate[] chain = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                if (!(peer[i] instanceof X509Certificate x)) {
                    return null;
                }
                chain[i] = x;
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The request with its whole body, or null when it was refused (and answered). */
    private HttpRequest read(Request base, HttpServletRequest req, HttpServletResponse resp, ClientIdentity client)
            throws IOException {
        if (req.getHeader("Transfer-Encoding") != null) {
            refuse(resp, client, 411, "chunked bodies are not accepted: send Content-Length");
            return null;
        }
        long length = req.getContentLengthLong();
        String method = req.getMethod();
        if (length < 0 && ("POST".equals(method) || "PUT".equals(method))) {
            refuse(resp, client, 411, "Content-Length required");
            return null;
        }
        if (length > options.maxBody()) {
            refuse(resp, client, 413, "body of " + length + " bytes, at most " + options.maxBody() + " are accepted");
            return null;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = length <= 0 ? new byte[0] : in.readNBytes((int) length);
        }
        if (body.length < length) {
            refuse(resp, client, 400, "body shorter than its Content-Length");
            return null;
        }
        if (guard.overdue(base)) {
            refuse(
                    resp,
                    client,
                    408,
                    "request not complete within " + options.requestTimeout().toSeconds() + " s");
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), req.getHeader(name));
        }
        String path =
                req.getQueryString() == null ? req.getRequestURI() : req.getRequestURI() + "?" + req.getQueryString();
        return new HttpRequest(method, path, headers, body);
    }

    private void refuse(HttpServletResponse resp, ClientIdentity client, int status, String reason) throws IOException {
        admission.refused("request", reason, client.serial(), client.source());
        HttpResponse.error(status, reason).writeTo(resp);
    }
}
