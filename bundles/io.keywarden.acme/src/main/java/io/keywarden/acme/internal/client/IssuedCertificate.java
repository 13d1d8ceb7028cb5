package io.keywarden.acme.internal.client;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;
import java.util.List;

/** What an order produced: the chain and where the CA keeps it. */
public final class IssuedCertificate {
    private final List<X509Certificate> chain;
    private final String location;
    private final String accountUrl;

    public IssuedCertificate(List<X509Certificate> chain, String location, String accountUrl) {
        this.chain = List.copyOf(requireNonNull(chain, "chain"));
        this.location = location;
        this.accountUrl = requireNonNull(accountUrl, "accountUrl");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the CA returned an empty chain");
        }
    }

    public List<X509Certificate> getChain() {
        return chain;
    }

    public String getLocation() {
        return location;
    }

    public String getAccountUrl() {
        return accountUrl;
    }
}
