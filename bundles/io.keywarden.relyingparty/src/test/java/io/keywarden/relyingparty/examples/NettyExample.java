package io.keywarden.relyingparty.examples;

import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.RevocationTrustManager;

/** docs/servers.md, Netty 4.1: the wrapped trust manager goes to SslContextBuilder (JDK provider). */
public final class NettyExample {
    private NettyExample() {}

    public static SslContext serverContext(KeyStore issuingCa, KeyManagerFactory serverKey, DenySet denied)
            throws Exception {
        // --- docs/servers.md: Netty ---
        return SslContextBuilder.forServer(serverKey)
                .sslProvider(SslProvider.JDK)
                .trustManager(RevocationTrustManager.pkix(issuingCa, denied))
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        // --- end ---
    }
}
