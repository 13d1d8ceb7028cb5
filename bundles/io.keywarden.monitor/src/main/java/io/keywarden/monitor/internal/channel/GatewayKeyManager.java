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
 * most every few seconds, so a renewed certificate is picked up without restarting the channel.
 */
final class GatewayKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "gateway";
    private static final long REFRESH_NANOS = 5_000_000_000L;

    private final Supplier<Optional<KeyStore.PrivateKeyEntry>> identity;
    private volatile KeyStore.PrivateKeyEntry cached;
    private volatile long fetchedAt;

    GatewayKeyManager(Supplier<Optional<KeyStore.PrivateKeyEntry>> identity) {
        this.identity = identity;
    }

    private KeyStore.PrivateKeyEntry current() {
        long now = System.nanoTime();
        KeyStore.PrivateKeyEntry e = cached;
        if (e == null || now - fetchedAt > REFRESH_NANOS) {
            e = identity.get().orElse(null);
            cached = e;
            fetchedAt = now;
        }
        return e;
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
        KeyStore.PrivateKeyEntry e = current();
        if (e == null) {
            return null;
        }
        String alg = e.getPrivateKey().getAlgorithm();
        return keyType == null || keyType.equalsIgnoreCase(alg) || ("EC".equals(alg) && keyType.startsWith("EC"))
                || ("RSA".equals(alg) && keyType.startsWith("RSA")) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyStore.PrivateKeyEntry e = ALIAS.equals(alias) ? current() : null;
        return e == null ? null
                : Arrays.copyOf(e.getCertificateChain(), e.getCertificateChain().length, X509Certificate[].class);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyStore.PrivateKeyEntry e = ALIAS.equals(alias) ? current() : null;
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
