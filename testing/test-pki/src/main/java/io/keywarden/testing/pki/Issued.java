package io.keywarden.testing.pki;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its chain up to and including the root, and its key pair ({@code null} when the builder was
 * given only a public key, as for a CSR).
 */
public record Issued(KeyPair key, List<X509Certificate> chain) {

    public Issued {
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The serial number in lowercase hex without leading zeros, as ACME CAs and Keywarden's records write it. */
    public String serialHex() {
        return certificate().getSerialNumber().toString(16);
    }

    /** The chain as PEM, leaf first. */
    public String chainPem() {
        return Pem.certificates(chain);
    }

    public String keyPem() {
        return Pem.privateKey(key.getPrivate());
    }

    /** The key and chain as a key store entry (what a KeyManager or a Kura keystore holds). */
    public KeyStore.PrivateKeyEntry entry() {
        return new KeyStore.PrivateKeyEntry(key.getPrivate(), chain.toArray(new X509Certificate[0]));
    }
}
