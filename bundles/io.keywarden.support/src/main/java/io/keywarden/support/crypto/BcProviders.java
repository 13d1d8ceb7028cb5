package io.keywarden.support.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

import org.bouncycastle.jcajce.util.BCJcaJceHelper;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * Bouncy Castle's providers as instances, for the work a hostile peer can make a gateway repeat: TLS contexts from
 * Bouncy Castle's JSSE provider (bctls, which Kura 5.4-5.6 ship) over Bouncy Castle's JCA provider, for servers whose
 * cost is in full handshakes, and the JCA provider itself (PKIX). On a gateway's JVM (C1 only) the JDK's EC code signs
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
        return SSLContext.getInstance("TLS", new BouncyCastleJsseProvider(Holder.BC));
    }

    /**
     * Bouncy Castle's JCA provider (we register nothing; it is the platform's "BC" only where the platform registered
     * one): for example {@code CertPathValidator.getInstance("PKIX",
     * BcProviders.jca())}, whose signature checks then run on Bouncy Castle's EC code.
     */
    public static Provider jca() {
        return Holder.BC;
    }

    private static void quietHandshakeLog() {
        synchronized (BCTLS_LOG) {
            // an operator's explicit level (logging configuration) wins; the default is INFO
            if (BCTLS_LOG.getLevel() == null) {
                BCTLS_LOG.setLevel(Level.WARNING);
            }
        }
    }

    /**
     * One JCA provider instance, the one Bouncy Castle's own classes use when they need a provider (its certificate
     * objects, its operator builders): the provider registered as "BC" where the platform registered one, else one
     * instance for the whole JVM. An instance holds about 4 MiB of heap (measured alone), a gateway has 64 MiB: a second
     * one would cost the EST server's users for nothing.
     */
    private static final class Holder {
        static final Provider BC = new SharedBcProvider().get();
    }

    /** Bouncy Castle's shared provider, reached through the helper that holds it. */
    private static final class SharedBcProvider extends BCJcaJceHelper {
        Provider get() {
            return provider;
        }
    }
}
