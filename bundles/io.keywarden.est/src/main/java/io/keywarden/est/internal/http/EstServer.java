package io.keywarden.est.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.est.internal.audit.EstAudit;
import io.keywarden.support.crypto.BcProviders;
import io.keywarden.support.http.BoundedThreadPool;
import io.keywarden.support.http.ConnectionGuard;
import io.keywarden.support.http.DeviceConnections;
import io.keywarden.support.http.GatewayKeyManager;
import io.keywarden.support.http.TlsConnectors;

/**
 * The EST listener on Jetty 9.4 (the line Kura ships): TLS with the gateway's own identity, client certificates
 * requested but not required, and the limits of {@link ServerLimits}.
 */
public final class EstServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EstServer.class);
    /**
     * TLS sessions kept for resumption. A sensor enrolls once and renews weeks later, so resumption saves little;
     * the JDK's default (20,480 sessions for a day, each with the peer's parsed chain) would keep a bootstrap wave
     * of a whole fleet in the gateway's heap for a day.
     */
    static final int SESSION_CACHE = 128;
    /**
     * How long a TLS session may be resumed: a client's next request of the same exchange (the retry with its code
     * after the 401 of RFC 7030 §3.2.3, a retry after a 202) may resume it and skip a full handshake. Bouncy Castle's
     * JSSE provider resumes TLS 1.2 sessions by id but sends no TLS 1.3 tickets (1.78.1, checked with openssl s_client),
     * so a TLS 1.3 retry is a full handshake; over whole enrollments the gateway still spends less than with the JDK's
     * provider and its resumed sessions (docs/est.md). A resumed session carries the client certificate of its full
     * handshake, which every request is judged on again.
     */
    static final int SESSION_SECONDS = 300;
    /**
     * Idle buffers Jetty may keep. Its default is a quarter of the heap (16 MiB of a gateway's 64 MiB), filled by a
     * burst of enrollments and never given back.
     */
    static final long POOLED_BUFFER_BYTES = 256 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final DeviceConnections<String> devices;

    public EstServer(
            String host,
            int port,
            ServerLimits limits,
            Supplier<Optional<KeyStore.PrivateKeyEntry>> identity,
            EstService est,
            EstAudit audit,
            Set<String> labels)
            throws IOException {
        SSLContext tls;
        try {
            // Bouncy Castle's JSSE over its own EC code: a full handshake (ECDHE, the gateway's signature, the client's
            // CertificateVerify) is the EST front's largest cost per request on a C1-only JVM (docs/est.md)
            tls = BcProviders.newTlsContext();
            tls.init(
                    new KeyManager[] {new GatewayKeyManager(identity)},
                    new TrustManager[] {new DeferredClientTrust()},
                    null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
        tls.getServerSessionContext().setSessionCacheSize(SESSION_CACHE);
        tls.getServerSessionContext().setSessionTimeout(SESSION_SECONDS);
        BoundedThreadPool pool = new BoundedThreadPool("keywarden-est", limits.threads(), limits.queue(), audit);
        server = new Server(pool);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setWantClientAuth(true);
        ssl.setNeedClientAuth(false);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.setResponseHeaderSize(8192);
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // Jetty's per-connection header cache is an 8 KiB trie for each open connection; EST requests have few headers
        http.setHeaderCacheSize(0);
        // a sensor may reach the gateway by address: the SNI name need not match the gateway's certificate
        http.addCustomizer(new SecureRequestCustomizer(false));

        connector = TlsConnectors.https(server, ssl, http, POOLED_BUFFER_BYTES);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idle().toMillis());
        connector.setAcceptQueueSize(limits.acceptQueue());
        guard = new ConnectionGuard(
                "keywarden-est",
                new ConnectionGuard.Limits(
                        limits.perSource(), limits.firstRequest(), limits.perRequest(), null, Duration.ZERO),
                audit,
                (status, reason, source) ->
                        audit.refused("-", status, "malformed HTTP request: " + reason, null, source));
        devices = new DeviceConnections<>(limits.perDevice(), id -> id);
        connector.addBean(guard);
        connector.addBean(devices);
        server.addConnector(connector);
        server.setHandler(new EstHandler(est, audit, labels, limits.maxBodyBytes(), pool, devices));
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("EST server cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        LOG.info("EST server listening on https://{}:{}{}", host, connector.getLocalPort(), EstHandler.PREFIX);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(
                connector.getHost() == null ? "0.0.0.0" : connector.getHost(), connector.getLocalPort());
    }

    public int openConnections() {
        return guard.openConnections();
    }

    /** Connections the device holds now, counted from its first authenticated request on each. */
    public int deviceConnections(String deviceId) {
        return devices.connections(deviceId);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("EST server did not stop cleanly: {}", e.toString());
        } finally {
            guard.close();
        }
    }
}
