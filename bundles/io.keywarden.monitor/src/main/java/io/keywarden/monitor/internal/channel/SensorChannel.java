package io.keywarden.monitor.internal.channel;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.cert.CertificateException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.support.threads.NamedThreads;

/**
 * The sensor channel: HTTPS with mandatory client certificates, HTTP/1.1 with keep-alive, served by a bounded pool.
 * A client is checked at the handshake ({@link ClientCertificateGate}) and again before every request, so a device
 * that is denied or quarantined while connected gets 403 on its next request and the connection closes.
 * {@code com.sun.net.httpserver} is not used: OSGi frameworks need not export it to bundles.
 */
public final class SensorChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SensorChannel.class);

    private final ChannelOptions options;
    private final Admission admission;
    private final ClientCertificateGate gate;
    private final ChannelHandler handler;
    private final SSLServerSocket server;
    private final ThreadPoolExecutor pool;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SensorChannel(ChannelOptions options, Admission admission, ClientCertificateGate gate,
            ChannelHandler handler, SSLServerSocket server) {
        this.options = options;
        this.admission = admission;
        this.gate = gate;
        this.handler = handler;
        this.server = server;
        this.pool = new ThreadPoolExecutor(options.threads(), options.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(options.threads() * 4), new NamedThreads("keywarden-channel"));
        pool.allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::acceptLoop, "keywarden-channel-accept");
        acceptor.setDaemon(true);
    }

    /** Listens at once; handshakes fail until the gateway has a certificate. */
    public static SensorChannel open(ChannelOptions options, Admission admission,
            Supplier<Optional<KeyStore.PrivateKeyEntry>> gatewayIdentity, ChannelHandler handler)
            throws IOException, GeneralSecurityException {
        ClientCertificateGate gate = new ClientCertificateGate(admission);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] { new GatewayKeyManager(gatewayIdentity) }, new TrustManager[] { gate },
                new SecureRandom());
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(options.bindAddress()), options.port()), 64);
            server.setNeedClientAuth(true);
            server.setEnabledProtocols(new String[] { "TLSv1.3", "TLSv1.2" });
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        SensorChannel channel = new SensorChannel(options, admission, gate, handler, server);
        channel.acceptor.start();
        LOG.info("Sensor channel listening on {}", channel.address());
        return channel;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Sensor channel accept failed: {}", e.toString());
                }
                continue;
            }
            try {
                pool.execute(() -> serve((SSLSocket) s));
            } catch (RejectedExecutionException busy) {
                // every worker busy and the queue full: shed the connection rather than queue without bound
                closeQuietly(s);
            }
        }
    }

    private void serve(SSLSocket socket) {
        open.add(socket);
        String source = String.valueOf(socket.getRemoteSocketAddress());
        try (socket) {
            socket.setSoTimeout((int) options.handshakeTimeout().toMillis());
            socket.setTcpNoDelay(true); // answers are written whole; never hold one back for an ACK
            CertificateRecord record = handshake(socket, source);
            if (record == null) {
                return;
            }
            ClientIdentity client = new ClientIdentity(record, hostOf(socket));
            socket.setSoTimeout((int) options.idleTimeout().toMillis());
            serveRequests(socket, client);
        } catch (SocketTimeoutException e) {
            LOG.debug("Sensor channel: {} idle, closed", source);
        } catch (IOException e) {
            LOG.debug("Sensor channel: connection with {} failed: {}", source, e.toString());
        } finally {
            open.remove(socket);
        }
    }

    /**
     * The handshake and the admission of its client certificate; null (and the refusal reported) when refused. A
     * resumed TLS session skips the trust manager, so the certificate is admitted again here before any request is
     * read: a client denied since its last full handshake is dropped at once.
     */
    private CertificateRecord handshake(SSLSocket socket, String source) throws IOException {
        try {
            socket.startHandshake();
            X509Certificate[] chain = Arrays.copyOf(socket.getSession().getPeerCertificates(),
                    socket.getSession().getPeerCertificates().length, X509Certificate[].class);
            return gate.admit(chain, source);
        } catch (SSLPeerUnverifiedException e) {
            admission.refused("handshake", "no client certificate", null, source);
        } catch (ClientCertificateGate.Refusal e) {
            socket.getSession().invalidate();
            admission.refused("handshake", e.getMessage(), e.serial(), source);
        } catch (CertificateException e) {
            admission.refused("handshake", e.getMessage(), null, source);
        } catch (SSLException e) {
            ClientCertificateGate.Refusal r = refusalIn(e);
            if (r != null) {
                admission.refused("handshake", r.getMessage(), r.serial(), source);
            } else {
                String msg = String.valueOf(e.getMessage());
                admission.refused("handshake", msg.contains("Empty client certificate chain") ? "no client certificate"
                        : "TLS handshake failed: " + msg, null, source);
            }
        }
        return null;
    }

    private static ClientCertificateGate.Refusal refusalIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ClientCertificateGate.Refusal r) {
                return r;
            }
        }
        return null;
    }

    private void serveRequests(SSLSocket socket, ClientIdentity client) throws IOException {
        HttpReader reader = new HttpReader(socket.getInputStream(), options.maxHead(), options.maxBody(),
                options.handshakeTimeout());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        while (!closed) {
            Optional<HttpRequest> next;
            try {
                next = reader.next();
            } catch (HttpReader.ProtocolException e) {
                admission.refused("request", e.getMessage(), client.serial(), client.source());
                HttpResponse.error(e.status(), e.getMessage()).writeTo(out);
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            long received = System.nanoTime();
            Optional<String> refusal = admission.refusal(client.record());
            if (refusal.isPresent()) {
                admission.refused("request", refusal.get(), client.serial(), client.source());
                HttpResponse.error(403, refusal.get()).writeTo(out);
                return;
            }
            HttpResponse response;
            try {
                response = handler.handle(client, next.get(), received);
            } catch (RuntimeException e) {
                LOG.error("Sensor channel: request {} {} of {} failed", next.get().method(), next.get().path(),
                        client.deviceId(), e);
                response = HttpResponse.error(500, "internal error");
            }
            response.writeTo(out);
            if (response.close() || next.get().wantsClose()) {
                return;
            }
        }
    }

    private static String hostOf(Socket s) {
        return s.getInetAddress() == null ? "?" : s.getInetAddress().getHostAddress();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Closing the channel socket: {}", e.toString());
        }
        pool.shutdownNow();
        open.forEach(SensorChannel::closeQuietly);
        try {
            acceptor.join(2000);
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
