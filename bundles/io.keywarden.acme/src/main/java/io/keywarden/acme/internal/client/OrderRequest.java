package io.keywarden.acme.internal.client;

import static java.util.Objects.requireNonNull;

import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One certificate to order: the names, how to finalize (the gateway-held key pair, or the device's CSR), and the
 * order journal: an order created before a crash is resumed rather than placed again, so the CA never holds a
 * certificate of ours that we did not record.
 */
public final class OrderRequest {
    private final List<String> names;
    private final KeyPair key;
    private final byte[] csrDer;
    private final String resumeUrl;
    private final Consumer<String> onCreated;

    private OrderRequest(List<String> names, KeyPair key, byte[] csrDer, String resumeUrl, Consumer<String> onCreated) {
        this.names = List.copyOf(names);
        this.key = key;
        this.csrDer = csrDer == null ? null : csrDer.clone();
        this.resumeUrl = resumeUrl;
        this.onCreated = requireNonNull(onCreated, "onCreated");
        if ((key == null) == (csrDer == null)) {
            throw new IllegalArgumentException("an order is finalized with either a key pair or a CSR");
        }
    }

    /** Finalized with a key the gateway holds. */
    public static OrderRequest withKey(List<String> names, KeyPair key) {
        return new OrderRequest(names, requireNonNull(key, "key"), null, null, url -> {});
    }

    /** Finalized with the device's own CSR. */
    public static OrderRequest withCsr(List<String> names, byte[] csrDer) {
        return new OrderRequest(names, null, requireNonNull(csrDer, "csrDer"), null, url -> {});
    }

    /** The same request, resuming the order at {@code url} if it can still complete, and told of a new order. */
    public OrderRequest journaled(Optional<String> url, Consumer<String> created) {
        return new OrderRequest(names, key, csrDer, url.orElse(null), created);
    }

    public List<String> getNames() {
        return names;
    }

    public Optional<KeyPair> getKey() {
        return Optional.ofNullable(key);
    }

    public Optional<byte[]> getCsrDer() {
        return Optional.ofNullable(csrDer).map(byte[]::clone);
    }

    public Optional<String> getResumeUrl() {
        return Optional.ofNullable(resumeUrl);
    }

    /** Called by the CA client as soon as a new order exists, before anything else happens to it. */
    public void created(String url) {
        onCreated.accept(url);
    }
}
