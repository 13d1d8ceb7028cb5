package io.keywarden.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

import io.keywarden.api.config.SecretDecoder;

/** When a Password-typed property is decoded, used plain, or waited for. */
class ConfigSecretsTest {
    static final String KEY = "acme.eab.hmac.key";
    static final Map<String, Object> CONFIG = Map.of(KEY, "ENCRYPTED-TEXT", "gateway.dns.name", "gw.example");

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler h) {
        return (T) Proxy.newProxyInstance(ConfigSecretsTest.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    /** A framework whose one installed bundle declares the given osgi.service objectClasses. */
    private static BundleContext framework(List<String> declaredServices) {
        BundleCapability cap = proxy(
                BundleCapability.class,
                (p, m, a) -> m.getName().equals("getAttributes") ? Map.of("objectClass", declaredServices) : null);
        BundleRevision revision = proxy(
                BundleRevision.class,
                (p, m, a) -> m.getName().equals("getDeclaredCapabilities")
                        ? ("osgi.service".equals(a[0]) ? List.of(cap) : List.of())
                        : null);
        Bundle bundle = proxy(Bundle.class, (p, m, a) -> switch (m.getName()) {
            case "getState" -> Bundle.RESOLVED;
            case "adapt" -> revision;
            default -> null;
        });
        return proxy(BundleContext.class, (p, m, a) -> m.getName().equals("getBundles") ? new Bundle[] {bundle} : null);
    }

    @Test
    void withoutADeclaredDecoderTheValueIsPlain() throws Exception {
        BundleContext standalone = framework(List.of("io.keywarden.api.enrollment.GatewayEnrollmentService"));
        assertSame(
                CONFIG,
                ConfigSecrets.decode(CONFIG, List.of(KEY), null, standalone).orElseThrow());
    }

    @Test
    void aDeclaredDecoderNotYetRegisteredMeansWait() throws Exception {
        BundleContext kura = framework(List.of(SecretDecoder.class.getName()));
        assertEquals(Optional.empty(), ConfigSecrets.decode(CONFIG, List.of(KEY), null, kura));
        // nothing secret in the configuration: nothing to wait for
        Map<String, Object> noSecret = Map.of(KEY, "", "gateway.dns.name", "gw.example");
        assertSame(
                noSecret,
                ConfigSecrets.decode(noSecret, List.of(KEY), null, kura).orElseThrow());
    }

    @Test
    void theDecoderTurnsTheValueIntoTheSecret() throws Exception {
        SecretDecoder decoder = encoded -> ("ENCRYPTED-TEXT".equals(encoded) ? "the-hmac" : "?").toCharArray();
        Map<String, Object> decoded = ConfigSecrets.decode(
                        CONFIG, List.of(KEY), decoder, framework(List.of(SecretDecoder.class.getName())))
                .orElseThrow();
        assertEquals("the-hmac", decoded.get(KEY));
        assertEquals("gw.example", decoded.get("gateway.dns.name"));
        assertEquals("ENCRYPTED-TEXT", CONFIG.get(KEY), "the delivered configuration is left alone");
    }

    @Test
    void aValueTheDecoderRefusesIsAnInvalidConfigurationNamingTheProperty() {
        SecretDecoder refusing = encoded -> {
            throw new GeneralSecurityException("DECODER_ERROR");
        };
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> ConfigSecrets.decode(CONFIG, List.of(KEY), refusing, framework(List.of())));
        assertEquals(KEY, e.getProperty());
        assertTrue(e.getMessage().contains("cannot be decrypted"), e.getMessage());
        assertFalse(e.getMessage().contains("ENCRYPTED-TEXT"), "the value is never in the message");
    }
}
