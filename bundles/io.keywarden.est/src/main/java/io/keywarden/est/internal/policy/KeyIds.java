package io.keywarden.est.internal.policy;

/** The identity of a public key across requests and certificates: SHA-256 of its SubjectPublicKeyInfo, hex. */
public final class KeyIds {
    private KeyIds() {}

    public static String of(byte[] spki) {
        return ParsedCsr.keyId(spki);
    }
}
