package io.keywarden.support.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Security;
import java.security.cert.CertPathValidator;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.junit.jupiter.api.Test;

import io.keywarden.support.verify.BcJca;

/** Bouncy Castle's providers are used as instances: nothing in the JVM's provider list changes. */
class BcProvidersTest {

    @Test
    void contextsComeFromBouncyCastlesJsseAndNothingIsRegistered() throws Exception {
        SSLContext tls = BcProviders.newTlsContext();
        tls.init(null, null, null);
        SSLEngine engine = tls.createSSLEngine();
        assertEquals("BCJSSE", tls.getProvider().getName());
        assertTrue(
                engine.getClass().getName().startsWith("org.bouncycastle.jsse.provider."),
                engine.getClass().getName());
        assertEquals("BC", BcJca.provider().getName());
        assertSame(BcJca.provider(), BcJca.provider(), "one JCA provider instance");
        assertEquals(
                "BC",
                CertPathValidator.getInstance("PKIX", BcJca.provider())
                        .getProvider()
                        .getName());
        assertNull(Security.getProvider("BC"), "Bouncy Castle's JCA provider is not registered");
        assertNull(Security.getProvider("BCJSSE"), "Bouncy Castle's JSSE provider is not registered");
        assertEquals(
                "SunJSSE", SSLContext.getInstance("TLS").getProvider().getName(), "the JVM's default is unchanged");
    }

    @Test
    void bctlsHandshakeLinesAreQuietUnlessConfigured() throws Exception {
        BcProviders.newTlsContext();
        assertEquals(Level.WARNING, Logger.getLogger("org.bouncycastle.jsse").getLevel());
    }
}
