package io.keywarden.fleet.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestCa;

class FleetOptionsTest {

    @TempDir
    Path dir;

    private final KeyPair keys = generate();

    @Test
    void aGatewayConfigurationParsesAndKeepsItsClientIdAcrossRestarts() throws Exception {
        FleetOptions first = FleetOptions.parse(gateway(), dir);
        FleetOptions second = FleetOptions.parse(gateway(), dir);
        assertEquals(first.getClientId(), second.getClientId());
        assertTrue(first.getClientId().startsWith("keywarden-fleet-1-"));
        assertEquals("keywarden/fleet-1/revocation-notices/+", first.subscriptionFilter());
        assertTrue(first.getAuthorityKey().isPresent());
        assertTrue(first.getSigningKey().isEmpty());
    }

    @Test
    void eachBadValueNamesItsProperty() throws Exception {
        assertProperty("mqtt.broker.url", with("mqtt.broker.url", "http://broker"));
        Map<String, Object> mqttWithoutBroker = without("mqtt.broker.url");
        mqttWithoutBroker.put("fleet.transport", "mqtt");
        assertProperty("mqtt.broker.url", mqttWithoutBroker);
        assertProperty("fleet.transport", with("fleet.transport", "kura"));
        assertProperty("fleet.transport", with("fleet.transport", "MQTT"));
        assertProperty("fleet.id", with("fleet.id", "a/b"));
        assertProperty("fleet.id", with("fleet.id", "#"));
        assertProperty(
                "authority.public.key",
                with("authority.public.key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        assertProperty("authority.public.key", without("authority.public.key"));
        assertProperty("notices.apply", with("notices.apply", "yes"));
        Map<String, Object> nothing = with("notices.apply", false);
        assertProperty("notices.apply", nothing);
        Map<String, Object> publish = with("notices.publish", true);
        assertProperty("authority.signing.key.file", publish);
        Path notPkcs8 = dir.resolve("key.pem");
        Files.writeString(notPkcs8, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        publish.put("authority.signing.key.file", notPkcs8.toString());
        assertProperty("authority.signing.key.file", publish);
    }

    @Test
    void theTransportIsMqttWithABrokerAndKurasCloudConnectionWithout() throws Exception {
        assertEquals(
                FleetOptions.Transport.MQTT, FleetOptions.parse(gateway(), dir).getTransport());
        FleetOptions kura = FleetOptions.parse(without("mqtt.broker.url"), dir);
        assertEquals(FleetOptions.Transport.KURA_CLOUD, kura.getTransport());
        assertEquals(null, kura.getBrokerUrl());
        Map<String, Object> explicit = with("fleet.transport", "kura-cloud");
        assertEquals(
                FleetOptions.Transport.KURA_CLOUD,
                FleetOptions.parse(explicit, dir).getTransport());
        assertEquals(
                FleetOptions.Transport.MQTT,
                FleetOptions.parse(with("fleet.transport", "mqtt"), dir).getTransport());
    }

    @Test
    void anAuthorityPublishingNoticesCannotUseKurasCloudConnection() throws Exception {
        Path key = dir.resolve("authority.pem");
        Files.writeString(key, Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Map<String, Object> p = with("notices.publish", true);
        p.put("authority.signing.key.file", key.toString());
        p.put("fleet.transport", "kura-cloud");
        assertProperty("fleet.transport", p);
    }

    @Test
    void rsaKeysUnder2048BitsAreRefusedAsForRevocationRequests() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        KeyPair weak = g.generateKeyPair();
        assertProperty(
                "authority.public.key",
                with(
                        "authority.public.key",
                        Pem.encode("PUBLIC KEY", weak.getPublic().getEncoded())));
        Path key = dir.resolve("weak.pem");
        Files.writeString(key, Pem.encode("PRIVATE KEY", weak.getPrivate().getEncoded()));
        Map<String, Object> publish = with("notices.apply", false);
        publish.put("notices.publish", true);
        publish.put("authority.signing.key.file", key.toString());
        assertProperty("authority.signing.key.file", publish);
    }

    @Test
    void anAuthorityReadsItsPkcs8Key() throws Exception {
        Path key = dir.resolve("authority.pem");
        Files.writeString(key, Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Map<String, Object> p = with("notices.apply", false);
        p.put("notices.publish", true);
        p.put("authority.signing.key.file", key.toString());
        FleetOptions o = FleetOptions.parse(p, dir);
        assertEquals(keys.getPrivate(), o.getSigningKey().orElseThrow());
        assertTrue(o.getAuthorityKey().isEmpty());
    }

    @Test
    void aShareGroupMakesTheLogsSharedWorkOfACollectingAuthorityOnMqttOnly() throws Exception {
        Path roots = dir.resolve("roots.pem");
        Files.writeString(roots, TestCa.root("fleet root").certificatePem());
        Map<String, Object> authority = with("notices.apply", false);
        authority.put("inventory.collect", true);
        authority.put("inventory.ca.roots", roots.toString());
        FleetOptions alone = FleetOptions.parse(authority, dir);
        assertFalse(alone.isShared());
        assertEquals("keywarden/fleet-1/log/+", alone.workFilter("keywarden/fleet-1/log/+"));

        authority.put("authority.share.group", "authorities");
        FleetOptions shared = FleetOptions.parse(authority, dir);
        assertTrue(shared.isShared());
        assertEquals("$share/authorities/keywarden/fleet-1/log/+", shared.workFilter("keywarden/fleet-1/log/+"));
        assertNotEquals(alone, shared);

        for (String bad : new String[] {"a/b", "+", "#", "$share", "x".repeat(65)}) {
            Map<String, Object> p = new HashMap<>(authority);
            p.put("authority.share.group", bad);
            assertProperty("authority.share.group", p);
        }
        assertProperty("authority.share.group", with("authority.share.group", "authorities"));
        Map<String, Object> onKura = new HashMap<>(authority);
        onKura.put("fleet.transport", "kura-cloud");
        assertProperty("authority.share.group", onKura);
    }

    private void assertProperty(String property, Map<String, Object> props) {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> FleetOptions.parse(props, dir));
        assertEquals(property, e.getProperty(), e.getMessage());
    }

    private Map<String, Object> gateway() {
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1883");
        p.put("fleet.id", "fleet-1");
        p.put("authority.public.key", Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()));
        return p;
    }

    private Map<String, Object> with(String key, Object value) {
        Map<String, Object> p = gateway();
        p.put(key, value);
        return p;
    }

    private Map<String, Object> without(String key) {
        Map<String, Object> p = gateway();
        p.remove(key);
        return p;
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("EC").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
