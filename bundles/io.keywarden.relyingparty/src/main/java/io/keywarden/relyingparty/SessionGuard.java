package io.keywarden.relyingparty;

import java.lang.ref.WeakReference;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the cached server sessions of certificates the moment they are denied, so a revoked device cannot resume a
 * session it opened before (resumption skips the trust manager). A TLS 1.3 resumption takes its session out of the
 * cache and puts a successor back when it completes: one in flight during the sweep escapes it, so after a denial
 * the context is swept every {@value #BURST_MILLIS} ms for {@value #BURST_COUNT} rounds, and always every
 * {@value #SWEEP_MILLIS} ms (a handshake the peer stalls on purpose). Holds the context weakly: a server that drops its context is not
 * kept alive by its deny set.
 */
final class SessionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(SessionGuard.class);
    static final String STATELESS_TICKETS = "jdk.tls.server.enableSessionTicketExtension";
    static final long SWEEP_MILLIS = 1_000;
    static final long BURST_MILLIS = 10;
    static final int BURST_COUNT = 100;
    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keywarden-tls-session-sweeper");
        t.setDaemon(true);
        return t;
    });

    private SessionGuard() {}

    static void watch(SSLContext context, DenySet denySet, RevocationTrustManager tm) {
        if (!"false".equals(System.getProperty(STATELESS_TICKETS))) {
            LOG.warn(
                    "Stateless TLS session tickets are on: a denied client could resume a session opened before its "
                            + "notice. Start the JVM with -D{}=false",
                    STATELESS_TICKETS);
        }
        WeakReference<SSLContext> ref = new WeakReference<>(context);
        denySet.onDenied(serials -> {
            sweep(ref, tm);
            for (int i = 1; i <= BURST_COUNT; i++) {
                SWEEPER.schedule(() -> sweep(ref, tm), i * BURST_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
        ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        task[0] = SWEEPER.scheduleWithFixedDelay(
                () -> {
                    if (!sweep(ref, tm)) {
                        task[0].cancel(false);
                    }
                },
                SWEEP_MILLIS,
                SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** False once the context is gone. */
    private static boolean sweep(WeakReference<SSLContext> ref, RevocationTrustManager tm) {
        SSLContext c = ref.get();
        if (c == null) {
            return false;
        }
        try {
            invalidate(c.getServerSessionContext(), tm);
        } catch (RuntimeException e) {
            LOG.warn("TLS session sweep failed: {}", e.toString());
        }
        return true;
    }

    private static void invalidate(SSLSessionContext sessions, RevocationTrustManager tm) {
        Enumeration<byte[]> ids = sessions.getIds();
        for (byte[] id : Collections.list(ids)) {
            SSLSession s = sessions.getSession(id);
            if (s == null) {
                continue;
            }
            try {
                Certificate[] peer = s.getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate x && tm.isDenied(x)) {
                    s.invalidate();
                }
            } catch (SSLPeerUnverifiedException noClientCertificate) {
                // nothing to deny
            }
        }
    }
}
