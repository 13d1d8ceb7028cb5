package io.keywarden.acme.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.testing.pki.TestCa;

/** challenge.type, its overrides, http01.mode and the dns01.* properties. */
class ChallengeOptionsTest {
    private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);
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
        p.put("gateway.dns.name", "gw.example.org");
        return p;
    }

    private Map<String, Object> withDns() {
        Map<String, Object> p = valid();
        p.put("dns01.server", "ns.example.org:5353");
        p.put("dns01.tsig.key.name", "gw-key");
        p.put("dns01.tsig.secret", SECRET);
        return p;
    }

    private InvalidConfigurationException rejected(Map<String, Object> p) {
        return assertThrows(InvalidConfigurationException.class, () -> GatewayOptions.parse(p, tmp));
    }

    @Test
    void http01StandaloneIsTheDefaultAndNoDnsIsNeeded() throws Exception {
        GatewayOptions o = GatewayOptions.parse(valid(), tmp);
        assertEquals("http-01", o.getChallengeSelection().typeFor("gw.example.org", Optional.empty()));
        assertEquals(Set.of("http-01"), o.getChallengeSelection().configuredTypes());
        assertEquals(GatewayOptions.HTTP01_MODE_STANDALONE, o.getHttp01Mode());
        assertTrue(o.getDns01().isEmpty());
    }

    @Test
    void overridesPickPerNameFirstMatchWinsAndADeclaredTypeBeatsThem() throws Exception {
        Map<String, Object> p = withDns();
        p.put(
                "challenge.type.overrides",
                " *.field.example.org = DNS-01 , gw.example.org=http-01,*.example.org=dns-01");
        ChallengeSelection s = GatewayOptions.parse(p, tmp).getChallengeSelection();
        assertEquals("dns-01", s.typeFor("s1.field.example.org", Optional.empty()));
        assertEquals("http-01", s.typeFor("GW.example.org", Optional.empty()));
        assertEquals("dns-01", s.typeFor("other.example.org", Optional.empty()));
        assertEquals("http-01", s.typeFor("example.org", Optional.empty()), "*.x matches below x only");
        assertEquals("http-01", s.typeFor("s1.field.example.org", Optional.of("http-01")));
    }

    @Test
    void unknownTypesAndModesNameTheirProperty() {
        Map<String, Object> p = valid();
        p.put("challenge.type", "tls-alpn-01");
        assertEquals("challenge.type", rejected(p).getProperty());
        p = valid();
        p.put("challenge.type.overrides", "*.example.org=dns-02");
        assertEquals("challenge.type.overrides", rejected(p).getProperty());
        p = valid();
        p.put("challenge.type.overrides", "*.example.org");
        assertEquals("challenge.type.overrides", rejected(p).getProperty());
        p = valid();
        p.put("http01.mode", "jetty");
        assertEquals("http01.mode", rejected(p).getProperty());
    }

    @Test
    void dns01WithoutItsServerIsRejectedNamingTheServer() {
        Map<String, Object> p = valid();
        p.put("challenge.type", "dns-01");
        assertEquals("dns01.server", rejected(p).getProperty());
        p = valid();
        p.put("challenge.type.overrides", "*.example.org=dns-01");
        assertEquals("dns01.server", rejected(p).getProperty());
    }

    @Test
    void dns01SettingsAreParsedWithDefaults() throws Exception {
        Map<String, Object> p = withDns();
        p.put("challenge.type", "dns-01");
        Dns01Options d = GatewayOptions.parse(p, tmp).getDns01().orElseThrow();
        assertEquals("ns.example.org", d.getServer().getHostString());
        assertEquals(5353, d.getServer().getPort());
        assertEquals(d.getServer(), d.getResolver());
        assertEquals("gw-key.", d.getTsigKeyName());
        assertEquals("hmac-sha256", d.getTsigAlgorithm());
        assertTrue(d.getZone().isEmpty());
        assertTrue(d.isPropagationCheck());
        assertEquals(120, d.getPropagationTimeout().toSeconds());
        assertFalse(d.toString().contains(SECRET));

        p.put("dns01.server", "[::1]");
        p.put("dns01.zone", "Example.ORG");
        p.put("dns01.tsig.algorithm", "HMAC-SHA512");
        p.put("dns01.propagation.check", "false");
        d = GatewayOptions.parse(p, tmp).getDns01().orElseThrow();
        assertEquals(53, d.getServer().getPort());
        assertEquals("example.org.", d.getZone().orElseThrow());
        assertEquals("hmac-sha512", d.getTsigAlgorithm());
        assertFalse(d.isPropagationCheck());
    }

    @Test
    void badDnsSettingsNameTheirPropertyAndNeverTheSecret() {
        Object[][] cases = {
            {"dns01.server", "ns.example.org:99999"},
            {"dns01.tsig.algorithm", "hmac-md5"},
            {"dns01.tsig.secret", "not base64 !!"},
            {"dns01.tsig.secret", Base64.getEncoder().encodeToString(new byte[4])},
            {"dns01.tsig.key.name", "bad key"},
            {"dns01.propagation.check", "maybe"},
            {"dns01.propagation.timeout.seconds", "0"},
            {"dns01.zone", "exa mple"},
        };
        for (Object[] c : cases) {
            Map<String, Object> p = withDns();
            p.put((String) c[0], c[1]);
            InvalidConfigurationException e = rejected(p);
            assertEquals(c[0], e.getProperty(), e.getMessage());
            if (c[0].equals("dns01.tsig.secret")) {
                assertFalse(e.getMessage().contains((String) c[1]), e.getMessage());
            }
        }
    }
}
