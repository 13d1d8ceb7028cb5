package io.keywarden.relyingparty;

import java.lang.ref.WeakReference;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the cached server sessions of certificates the moment they are denied, so a revoked device cannot resume a
 * session it opened before (resumption skips the trust manager). Holds the context weakly: a server that drops its
 * context is not kept alive by its deny set.
 */
final class SessionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(SessionGuard.class);
    static final String STATELESS_TICKETS = "jdk.tls.server.enableSessionTicketExtension";

    private SessionGuard() {
    }

    static void watch(SSLContext context, DenySet denySet, RevocationTrustManager tm) {
        if (!"false".equals(System.getProperty(STATELESS_TICKETS))) {
            LOG.warn("Stateless TLS session tickets are on: a denied client could resume a session opened before its "
                    + "notice. Start the JVM with -D{}=false", STATELESS_TICKETS);
        }
        WeakReference<SSLContext> ref = new WeakReference<>(context);
        denySet.onDenied(serials -> {
            SSLContext c = ref.get();
            if (c != null) {
                invalidate(c.getServerSessionContext(), tm);
            }
        });
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
