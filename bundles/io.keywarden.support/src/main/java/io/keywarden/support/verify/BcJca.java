package io.keywarden.support.verify;

import java.security.Provider;

import org.bouncycastle.jcajce.util.BCJcaJceHelper;

/**
 * Bouncy Castle's JCA provider as an instance, never registered with {@link java.security.Security}: the one Bouncy
 * Castle's own classes use when they need a provider (its certificate objects, its operator builders), which is the
 * provider registered as "BC" where the platform registered one, else one instance for the whole JVM. An instance
 * holds about 4 MiB of heap (measured alone) and a gateway has 64 MiB, so every user here shares this one: chain
 * validation ({@link CertificateChains}) and the EST server's TLS ({@code support.crypto.BcProviders}).
 */
public final class BcJca {
    private BcJca() {}

    /** The shared provider: for example {@code CertPathValidator.getInstance("PKIX", BcJca.provider())}. */
    public static Provider provider() {
        return Holder.BC;
    }

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
