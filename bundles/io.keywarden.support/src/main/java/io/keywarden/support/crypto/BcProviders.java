package io.keywarden.support.crypto;

import java.security.NoSuchAlgorithmException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

import io.keywarden.support.verify.BcJca;

/**
 * Bouncy Castle's providers as instances, for the work a hostile peer can make a gateway repeat: TLS contexts from
 * Bouncy Castle's JSSE provider (bctls, which Kura 5.4-5.6 ship) over Bouncy Castle's JCA provider, for servers whose
 * cost is in full handshakes (the JCA provider is {@link BcJca}'s, shared). On a gateway's JVM (C1 only) the JDK's EC code signs
 * a P-256 handshake in about 0.5 ms and verifies in about 1 ms, Bouncy Castle's in about 0.1 ms each. Nothing is
 * registered with {@link java.security.Security}: Kura's own TLS and other bundles keep their providers. The record
 * layer is no faster (ChaCha20-Poly1305 about the same, AES-GCM Java code in both), so kept-alive connections gain
 * nothing from it.
 */
public final class BcProviders {
    /**
     * bctls logs every completed handshake at INFO through java.util.logging: a line per sensor of an enrollment wave
     * (and per hostile connection). Held here so the level set below is not lost with a collected logger.
     */
    private static final Logger BCTLS_LOG = Logger.getLogger("org.bouncycastle.jsse");

    private BcProviders() {}

    /**
     * A new, uninitialized TLS context (TLS 1.2 and 1.3; the caller restricts protocols and initializes it with its
     * key and trust managers).
     */
    public static SSLContext newTlsContext() throws NoSuchAlgorithmException {
        quietHandshakeLog();
        return SSLContext.getInstance("TLS", new BouncyCastleJsseProvider(BcJca.provider()));
    }

    private static void quietHandshakeLog() {
        synchronized (BCTLS_LOG) {
            // an operator's explicit level (logging configuration) wins; the default is INFO
            if (BCTLS_LOG.getLevel() == null) {
                BCTLS_LOG.setLevel(Level.WARNING);
            }
        }
    }
}
