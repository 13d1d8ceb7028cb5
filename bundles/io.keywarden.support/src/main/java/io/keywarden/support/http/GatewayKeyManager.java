package io.keywarden.support.http;

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
 * Presents the gateway's current identity (its certificate from the CA and its key) as a TLS server's (the EST server
 * and the sensor channel). The identity is asked for at most once a second, so a renewal or rekey is picked up without
 * a restart (and at every handshake while there is none: on Kura the key reaches the keystore only after the
 * certificate is issued). Each identity has its own alias (its serial), so the alias, chain and key JSSE asks for in
 * turn always belong together, also across a refresh between those calls (the previous identity stays answerable).
 */
public final class GatewayKeyManager extends X509ExtendedKeyManager {
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private record Identity(String alias, KeyStore.PrivateKeyEntry entry) {}

    private final Supplier<Optional<KeyStore.PrivateKeyEntry>> source;
    private volatile Identity current;
    private volatile Identity previous;
    private final long refreshNanos;
    private volatile long fetchedAt;

    public GatewayKeyManager(Supplier<Optional<KeyStore.PrivateKeyEntry>> source) {
        this(source, REFRESH_NANOS);
    }

    /** With another refresh interval (tests: 0, every handshake asks). */
    public GatewayKeyManager(Supplier<Optional<KeyStore.PrivateKeyEntry>> source, long refreshNanos) {
        this.source = source;
        this.refreshNanos = refreshNanos;
    }

    private Identity current() {
        long now = System.nanoTime();
        Identity c = current;
        if (c == null || now - fetchedAt > refreshNanos) {
            Identity fresh = source.get()
                    .map(e -> new Identity(
                            "gw-"
                                    + ((X509Certificate) e.getCertificate())
                                            .getSerialNumber()
                                            .toString(16),
                            e))
                    .orElse(null);
            if (c != null && (fresh == null || !fresh.alias().equals(c.alias()))) {
                previous = c;
            }
            current = fresh;
            fetchedAt = now;
            c = fresh;
        }
        return c;
    }

    private KeyStore.PrivateKeyEntry byAlias(String alias) {
        for (Identity i : new Identity[] {current, previous}) {
            if (i != null && i.alias().equals(alias)) {
                return i.entry();
            }
        }
        return null;
    }

    private String choose(String keyType) {
        Identity i = current();
        if (i == null) {
            return null;
        }
        String alg = i.entry().getPrivateKey().getAlgorithm();
        boolean fits = keyType == null
                || keyType.equalsIgnoreCase(alg)
                || ("EC".equals(alg) && keyType.startsWith("EC"))
                || ("RSA".equals(alg) && keyType.startsWith("RSA"));
        return fits ? i.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = choose(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyStore.PrivateKeyEntry e = byAlias(alias);
        return e == null
                ? null
                : Arrays.copyOf(e.getCertificateChain(), e.getCertificateChain().length, X509Certificate[].class);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyStore.PrivateKeyEntry e = byAlias(alias);
        return e == null ? null : e.getPrivateKey();
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
