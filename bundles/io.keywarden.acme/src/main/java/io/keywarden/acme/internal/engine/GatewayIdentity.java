package io.keywarden.acme.internal.engine;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.GatewayKeyHolder;

/**
 * The gateway's TLS identity: its current certificate's chain with the private key of that certificate, from this
 * bundle's own store or, when the key is held elsewhere (Kura's keystore, reached through a {@link GatewayKeyHolder}),
 * from the holder. A key is used only when it is the current certificate's key: after a rekey the new key exists
 * before its certificate (and a holder may still have the old one), and a key must never be paired with another
 * key's certificate.
 */
public final class GatewayIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayIdentity.class);

    public interface OwnKey {
        Optional<KeyPair> load() throws IOException, GeneralSecurityException;
    }

    private final Supplier<Optional<CertificateRecord>> current;
    private final OwnKey ownKey;
    private final List<GatewayKeyHolder> holders;

    /**
     * @param current the gateway's CURRENT certificate record (none before enrollment or once it is revoked)
     * @param holders the holders registered now; read at every call
     */
    public GatewayIdentity(
            Supplier<Optional<CertificateRecord>> current, OwnKey ownKey, List<GatewayKeyHolder> holders) {
        this.current = current;
        this.ownKey = ownKey;
        this.holders = holders;
    }

    public Optional<KeyStore.PrivateKeyEntry> get() {
        Optional<CertificateRecord> record = current.get();
        if (record.isEmpty()) {
            return Optional.empty();
        }
        X509Certificate[] chain = record.get().getChain().toArray(new X509Certificate[0]);
        PublicKey certified = chain[0].getPublicKey();
        try {
            Optional<KeyPair> own = ownKey.load();
            if (own.isPresent() && sameKey(own.get().getPublic(), certified)) {
                return Optional.of(new KeyStore.PrivateKeyEntry(own.get().getPrivate(), chain));
            }
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("Cannot read the gateway key of {}: {}", record.get().getDeviceId(), e.toString());
        }
        for (GatewayKeyHolder holder : holders) {
            Optional<KeyStore.PrivateKeyEntry> held = fromHolder(holder);
            // the holder's own chain may still be the previous certificate of the same key (a renewal it has not
            // copied yet): the key is what must match, the chain offered is always the current one
            if (held.isPresent() && sameKey(held.get().getCertificate().getPublicKey(), certified)) {
                return Optional.of(new KeyStore.PrivateKeyEntry(held.get().getPrivateKey(), chain));
            }
        }
        return Optional.empty();
    }

    private static Optional<KeyStore.PrivateKeyEntry> fromHolder(GatewayKeyHolder holder) {
        try {
            return holder.getGatewayEntry();
        } catch (RuntimeException e) {
            LOG.warn("Gateway key holder {} failed: {}", holder.getClass().getName(), e.toString());
            return Optional.empty();
        }
    }

    private static boolean sameKey(PublicKey a, PublicKey b) {
        return Arrays.equals(a.getEncoded(), b.getEncoded());
    }
}
