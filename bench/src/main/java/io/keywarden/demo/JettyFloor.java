package io.keywarden.demo;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.keywarden.support.http.TlsConnectors;

/**
 * {@code bench-channel --jetty-floor}'s server, run in its own JVM on the gateway's flags: Jetty 9.4 and the JDK's TLS
 * set up as the sensor channel sets them up (mutual TLS, TLS 1.3/1.2 with ChaCha20-Poly1305 first, the same HTTP
 * configuration, buffer pool, one acceptor and one selector, a pool without reserved threads), and a handler that only
 * reads the body and answers 202 with a body the size of the channel's. What this process spends per report is what
 * the channel cannot spend less than on this stack, whatever its own code does.
 *
 * <p>Arguments: port, PKCS#12 key store (the server's key and chain), its password, PKCS#12 trust store (the CAs the
 * sensors' certificates chain to), pool threads.
 */
public final class JettyFloor {
    private JettyFloor() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        char[] password = args[2].toCharArray();
        int threads = Integer.parseInt(args[4]);
        QueuedThreadPool pool = new QueuedThreadPool(threads + 2, Math.min(4, threads + 2), 60_000);
        pool.setReservedThreads(0);
        pool.setDaemon(true);
        Server server = new Server(pool);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(load(args[1], password));
        ssl.setKeyStorePassword(args[2]);
        ssl.setTrustStore(load(args[3], password));
        ssl.setNeedClientAuth(true);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setCipherComparator(Comparator.comparingInt(suite -> suite.contains("CHACHA20") ? 0 : 1));
        ServerConnector connector = TlsConnectors.https(server, ssl, TlsConnectors.reportsHttp(8192), 512 * 1024);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(120_000);
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        server.setHandler(new Answer());
        server.start();
        System.out.println("jetty-floor listening on " + port);
        server.join();
    }

    private static KeyStore load(String file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** Reads the body as the channel does (Content-Length, at most 64 KiB) and answers as the channel does. */
    private static final class Answer extends AbstractHandler {
        private final AtomicLong answered = new AtomicLong();

        @Override
        public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse resp)
                throws IOException {
            base.setHandled(true);
            long length = req.getContentLengthLong();
            if (length > 65_536) {
                resp.sendError(413);
                return;
            }
            try (InputStream in = req.getInputStream()) {
                if (length > 0) {
                    in.readNBytes((int) length);
                }
            }
            byte[] body = ("{\"accepted\":" + answered.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
            resp.setStatus(202);
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }
}
