package io.keywarden.monitor.internal.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.http.BoundedThreadPool;
import io.keywarden.support.http.ConnectionGuard;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.support.http.DeviceConnections;
import io.keywarden.support.http.GatewayKeyManager;
import io.keywarden.support.http.RateLimitedLog;
import io.keywarden.support.http.RefusalCounter;
import io.keywarden.support.http.RefusalSink;
import io.keywarden.support.http.TlsConnectors;

/**
 * The sensor channel: HTTPS with mandatory client certificates on Jetty 9.4 (the line Kura ships), HTTP/1.1 with
 * keep-alive. Jetty's NIO selector holds no thread for an idle connection; a bounded pool handles the requests. A
 * client is checked at the handshake ({@link ClientCertificateGate}) and again before every request
 * ({@link ChannelRequests}). {@link ConnectionGuard} caps connections per address and gives the handshake and each
 * request a total deadline; {@link DeviceConnections} caps connections per device. Every refusal is counted, posted
 * through {@link Admission#refused} and logged (rate-limited).
 */
public final class SensorChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SensorChannel.class);
    private static final int SESSION_CACHE = 2048;
    /**
     * Longer than the 7 days a TLS 1.3 ticket may live (RFC 8446 §4.6.1), so JSSE sends no session ticket after a
     * handshake: it adds each ticket it sends to the connection's handshake transcript buffer, which then stays for the
     * connection's life (6 KiB of heap per kept-alive sensor, measured with 1,000). TLS 1.3 sessions are therefore not
     * resumed (a new connection costs a full handshake); TLS 1.2 sessions are, from the bounded cache.
     */
    static final int SESSION_SECONDS = 8 * 24 * 3600;
    /**
     * Idle buffers Jetty may keep for reuse. Its default is a quarter of the heap (16 MiB of a gateway's 64 MiB),
     * filled once by a burst of handshakes and never given back; connections hold buffers only while reading or
     * writing, so a small pool costs a few allocations under load and frees the rest of the heap for connections.
     */
    static final long POOLED_BUFFER_BYTES = 512 * 1024;

    /** Connection refusals: counted, posted at most once a second per kind with their number, logged rate-limited. */
    static final class Refusals implements RefusalSink {
        private final Admission admission;
        private final RefusalCounter counter = new RefusalCounter(System::currentTimeMillis);
        private final RateLimitedLog log = new RateLimitedLog(LOG, 5);

        Refusals(Admission admission) {
            this.admission = admission;
        }

        @Override
        public void refusedConnection(ConnectionRefusal kind, String source) {
            refused(kind, source, "");
        }

        void refused(ConnectionRefusal kind, String source, String detail) {
            long post = counter.count(kind);
            if (post > 0 && kind != ConnectionRefusal.HANDSHAKE_FAILED) { // handshakes post their own reason
                admission.refused(
                        "connection",
                        kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                                + (post > 1 ? " (" + post + " since the last event)" : ""),
                        null,
                        source);
            }
            log.warn(
                    "Sensor channel: connection from {} refused: {}{} ({} so far)",
                    source,
                    kind,
                    detail.isEmpty() ? "" : ": " + detail,
                    counter.total(kind));
        }

        long total(ConnectionRefusal kind) {
            return counter.total(kind);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final DeviceConnections<ClientIdentity> devices;
    private final Refusals refusals;

    private SensorChannel(
            ChannelOptions options,
            Admission admission,
            SSLContext tls,
            ClientCertificateGate gate,
            ChannelHandler handler) {
        refusals = new Refusals(admission);
        BoundedThreadPool pool = new BoundedThreadPool(
                "keywarden-channel", options.threads() + 2, Math.max(256, options.threads() * 64), refusals);
        pool.setReservedThreads(0);
        server = new Server(pool);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setNeedClientAuth(true);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // the server's order decides (Jetty's default); under C1 only, ChaCha20-Poly1305 first (CipherPreference)
        ssl.setCipherComparator(CipherPreference.forThisJvm());
        HttpConfiguration http = TlsConnectors.reportsHttp(options.maxHead());
        // no SecureRequestCustomizer: ChannelRequests reads the peer's chain from the TLS session itself (the
        // customizer would keep a second parsed copy in every session), and a sensor may reach the gateway by address
        // (no SNI check)
        connector = TlsConnectors.https(server, ssl, http, POOLED_BUFFER_BYTES);
        connector.setHost(options.bindAddress());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        guard = new ConnectionGuard(
                "keywarden-channel",
                new ConnectionGuard.Limits(
                        options.perSource(),
                        options.handshakeTimeout(),
                        options.requestTimeout(),
                        options.idleTimeout(),
                        grace(options)),
                refusals,
                (status, reason, source) -> admission.refused(
                        "request", "malformed HTTP request (" + status + "): " + reason, null, source));
        devices = new DeviceConnections<>(options.perDevice(), ClientIdentity::deviceId);
        connector.addBean(guard);
        connector.addBean(devices);
        connector.addBean(new HandshakeFailures(admission, refusals));
        server.addConnector(connector);
        server.setHandler(new ChannelRequests(options, admission, gate, handler, guard, devices, refusals));
        server.setStopTimeout(2000);
    }

    /** A request trickled past its deadline is still answered 408 if it arrives within this much more. */
    private static Duration grace(ChannelOptions o) {
        Duration shorter =
                o.handshakeTimeout().compareTo(o.requestTimeout()) < 0 ? o.handshakeTimeout() : o.requestTimeout();
        return shorter.dividedBy(2);
    }

    /** Listens at once; handshakes fail until the gateway has a certificate. */
    public static SensorChannel open(
            ChannelOptions options,
            Admission admission,
            Supplier<Optional<KeyStore.PrivateKeyEntry>> gatewayIdentity,
            ChannelHandler handler)
            throws IOException, GeneralSecurityException {
        ClientCertificateGate gate = new ClientCertificateGate(admission);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(
                new KeyManager[] {new GatewayKeyManager(gatewayIdentity)},
                new TrustManager[] {gate},
                new SecureRandom());
        // JSSE keeps up to 20,480 sessions for a day by default, each with its peer's chain: bound what they hold
        tls.getServerSessionContext().setSessionCacheSize(SESSION_CACHE);
        tls.getServerSessionContext().setSessionTimeout(SESSION_SECONDS);
        SensorChannel channel = new SensorChannel(options, admission, tls, gate, handler);
        try {
            channel.server.start();
        } catch (Exception e) {
            channel.close();
            throw new IOException(e.getMessage(), e);
        }
        LOG.info("Sensor channel listening on {}", channel.address());
        return channel;
    }

    public InetSocketAddress address() {
        String host = connector.getHost() == null ? "0.0.0.0" : connector.getHost();
        return new InetSocketAddress(host, connector.getLocalPort());
    }

    /** Connections open now. */
    public int openConnections() {
        return guard.openConnections();
    }

    /** Connection refusals of a kind since the channel opened. */
    public long refusals(ConnectionRefusal kind) {
        return refusals.total(kind);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Sensor channel did not stop cleanly: {}", e.toString());
        } finally {
            guard.close();
        }
    }

    /** Reports a failed handshake with the gate's reason (or what TLS says) and counts it. */
    private static final class HandshakeFailures implements SslHandshakeListener {
        private final Admission admission;
        private final Refusals refusals;

        HandshakeFailures(Admission admission, Refusals refusals) {
            this.admission = admission;
            this.refusals = refusals;
        }

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            SSLEngine engine = event.getSSLEngine();
            String source = engine.getPeerHost() + ":" + engine.getPeerPort();
            ClientCertificateGate.Refusal r = refusalIn(failure);
            String reason;
            if (r != null) {
                reason = r.getMessage();
                admission.refused("handshake", reason, r.serial(), source);
            } else {
                String msg = String.valueOf(failure.getMessage());
                reason = msg.contains("Empty client certificate chain")
                        ? "no client certificate"
                        : "TLS handshake failed: " + msg;
                admission.refused("handshake", reason, null, source);
            }
            refusals.refused(ConnectionRefusal.HANDSHAKE_FAILED, engine.getPeerHost(), reason);
        }

        private static ClientCertificateGate.Refusal refusalIn(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof ClientCertificateGate.Refusal r) {
                    return r;
                }
            }
            return null;
        }
    }
}
