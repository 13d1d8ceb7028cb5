package io.keywarden.monitor.internal.channel;

import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the gateway's current certificate as the channel's server identity. It asks the enrollment service at
 * most every few seconds, so a renewed certificate is picked up without restarting the channel (and asks again at
 * every handshake while there is none: on Kura the key reaches the keystore only after the certificate is issued).
 * Each identity gets its own alias (its serial): JSSE asks for the alias, then the chain, then the key, and a refresh
 * between those calls must not pair one certificate with another key (the previous identity stays answerable).
 */
final class GatewayKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS_PREFIX = "gateway-";
    private static final long REFRESH_NANOS = 5_000_000_000L;

    private record Identity(String alias, KeyStore.PrivateKeyEntry entry) {
        static Identity of(KeyStore.PrivateKeyEntry e) {
            return e == null ? null
                    : new Identity(ALIAS_PREFIX + ((X509Certificate) e.getCertificate()).getSerialNumber().toString(16), e);
        }
    }

    private final Supplier<Optional<KeyStore.PrivateKeyEntry>> identity;
    private final long refreshNanos;
    private volatile Identity cached;
    private volatile Identity previous;
    private volatile long fetchedAt;

    GatewayKeyManager(Supplier<Optional<KeyStore.PrivateKeyEntry>> identity) {
        this(identity, REFRESH_NANOS);
    }

    GatewayKeyManager(Supplier<Optional<KeyStore.PrivateKeyEntry>> identity, long refreshNanos) {
        this.identity = identity;
        this.refreshNanos = refreshNanos;
    }

    private Identity current() {
        long now = System.nanoTime();
        Identity i = cached;
        if (i == null || now - fetchedAt > refreshNanos) {
            Identity fresh = Identity.of(identity.get().orElse(null));
            if (i != null && (fresh == null || !fresh.alias().equals(i.alias()))) {
                previous = i;
            }
            i = fresh;
            cached = fresh;
            fetchedAt = now;
        }
        return i;
    }

    /** The identity an alias handed out names: the current one or the one just before it. */
    private KeyStore.PrivateKeyEntry byAlias(String alias) {
        Identity c = cached;
        if (c != null && c.alias().equals(alias)) {
            return c.entry();
        }
        Identity p = previous;
        return p != null && p.alias().equals(alias) ? p.entry() : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseAlias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseAlias(keyType);
    }

    private String chooseAlias(String keyType) {
        Identity i = current();
        if (i == null) {
            return null;
        }
        String alg = i.entry().getPrivateKey().getAlgorithm();
        return keyType == null || keyType.equalsIgnoreCase(alg) || ("EC".equals(alg) && keyType.startsWith("EC"))
                || ("RSA".equals(alg) && keyType.startsWith("RSA")) ? i.alias() : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyStore.PrivateKeyEntry e = byAlias(alias);
        return e == null ? null
                : Arrays.copyOf(e.getCertificateChain(), e.getCertificateChain().length, X509Certificate[].class);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyStore.PrivateKeyEntry e = byAlias(alias);
        return e == null ? null : e.getPrivateKey();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = chooseAlias(keyType);
        return a == null ? null : new String[] { a };
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
