package io.keywarden.acme.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.testing.pki.TestCa;

class GatewayOptionsTest {
    private static String anchorPem;

    @TempDir
    Path tmp;

    @BeforeAll
    static void anchor() throws Exception {
        anchorPem = TestCa.root("test-ca").certificatePem();
    }

    private Map<String, Object> valid() {
        Map<String, Object> p = new HashMap<>();
        p.put("acme.directory.url", "https://ca.example:14000/dir");
        p.put("acme.trust.anchor", anchorPem);
        p.put("gateway.dns.name", "GW1.Example.org");
        return p;
    }

    private InvalidConfigurationException rejected(Map<String, Object> p) {
        return assertThrows(InvalidConfigurationException.class, () -> GatewayOptions.parse(p, tmp));
    }

    @Test
    void defaultsApplyWhenOnlyTheRequiredPropertiesAreSet() throws Exception {
        GatewayOptions o = GatewayOptions.parse(valid(), tmp);
        assertEquals("gw1.example.org", o.getDnsName());
        assertEquals(KeyType.EC_P256, o.getKeyType());
        assertEquals(80, o.getHttp01Port());
        assertEquals(0.3333, o.getRenewalThreshold());
        assertEquals(8, o.getConcurrency());
        assertEquals(Duration.ofSeconds(2), o.getRetryInitial());
        assertEquals(tmp.toAbsolutePath(), o.getDataDir());
        assertEquals(1, o.getTrustAnchors().size());
        assertTrue(o.getEabKid().isEmpty());
        assertEquals(KeySource.GENERATED, o.getKeySource());
    }

    @Test
    void stringValuesFromConfigFilesAreParsed() throws Exception {
        Map<String, Object> p = valid();
        p.put("http01.port", "5002");
        p.put("renewal.threshold", "0.5");
        p.put("enrollment.concurrency", 16L);
        p.put("gateway.key.type", "rsa_2048");
        GatewayOptions o = GatewayOptions.parse(p, tmp);
        assertEquals(5002, o.getHttp01Port());
        assertEquals(0.5, o.getRenewalThreshold());
        assertEquals(16, o.getConcurrency());
        assertEquals(KeyType.RSA_2048, o.getKeyType());
        p.put("gateway.key.source", "external");
        assertEquals(KeySource.EXTERNAL, GatewayOptions.parse(p, tmp).getKeySource());
        assertNotEquals(o, GatewayOptions.parse(p, tmp), "a key source change is a change");
    }

    @Test
    void trustAnchorMayBeAFilePath() throws Exception {
        Path f = tmp.resolve("anchor.pem");
        Files.writeString(f, anchorPem);
        Map<String, Object> p = valid();
        p.put("acme.trust.anchor", f.toString());
        assertEquals(1, GatewayOptions.parse(p, tmp).getTrustAnchors().size());
    }

    @Test
    void everyErrorNamesItsProperty() {
        Map<String, Object> p = valid();
        p.put("acme.directory.url", "not a url");
        assertEquals("acme.directory.url", rejected(p).getProperty());

        p = valid();
        p.put("acme.directory.url", "http://ca.example/dir");
        assertTrue(rejected(p).getMessage().contains("https"));

        p = valid();
        p.remove("gateway.dns.name");
        InvalidConfigurationException e = rejected(p);
        assertEquals("gateway.dns.name", e.getProperty());
        assertTrue(e.getMessage().contains("required"), e.getMessage());

        p = valid();
        p.put("acme.trust.anchor", tmp.resolve("missing.pem").toString());
        assertEquals("acme.trust.anchor", rejected(p).getProperty());

        p = valid();
        p.put("acme.trust.anchor", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertEquals("acme.trust.anchor", rejected(p).getProperty());

        p = valid();
        p.put("http01.port", "eighty");
        assertEquals("http01.port", rejected(p).getProperty());

        p = valid();
        p.put("http01.port", 70000);
        assertEquals("http01.port", rejected(p).getProperty());

        p = valid();
        p.put("renewal.threshold", 1.5);
        assertEquals("renewal.threshold", rejected(p).getProperty());

        p = valid();
        p.put("gateway.key.type", "DSA");
        assertEquals("gateway.key.type", rejected(p).getProperty());

        p = valid();
        p.put("gateway.key.source", "keystore");
        e = rejected(p);
        assertEquals("gateway.key.source", e.getProperty());
        assertTrue(e.getMessage().contains("generated or external"), e.getMessage());

        p = valid();
        p.put("gateway.dns.name", "under_score..example");
        assertEquals("gateway.dns.name", rejected(p).getProperty());

        p = valid();
        p.put("acme.eab.kid", "kid-1");
        assertEquals("acme.eab.hmac.key", rejected(p).getProperty());

        p = valid();
        p.put("retry.initial.seconds", 10);
        p.put("retry.max.seconds", 5);
        assertEquals("retry.max.seconds", rejected(p).getProperty());
    }

    @Test
    void missingDataDirIsReportedWhenThereIsNoBundleDataArea() {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> GatewayOptions.parse(valid(), null));
        assertEquals("data.dir", e.getProperty());
    }

    @Test
    void equalityTellsWhetherAnythingChanged() throws Exception {
        assertEquals(GatewayOptions.parse(valid(), tmp), GatewayOptions.parse(valid(), tmp));
        Map<String, Object> p = valid();
        p.put("renewal.jitter", 0.2);
        assertNotEquals(GatewayOptions.parse(valid(), tmp), GatewayOptions.parse(p, tmp));
    }
}
