package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestCa;

/**
 * What the fleet authority receives from gateways over MQTT, inventories and escrow deposits, through the collector
 * that handles them (envelope verification, record decoding, the checks on records and on the deposit). The first
 * byte chooses: bit 0 set, the rest is a payload the test signs with the gateway's own certificate in {@code x5c}
 * (reaching the decoding behind the signature); clear, the rest is the message itself, which must be rejected. Bit 1
 * chooses escrow over inventory. Nothing may escape the collector (an exception would end the MQTT client's
 * callback), and every message ends in exactly one accepted or rejected event. Regression inputs:
 * src/test/resources/io/keywarden/fleet/internal/inventory/GatewayEnvelopeFuzzTestInputs/message/.
 */
class GatewayEnvelopeFuzzTest {
    private static final String GW = "gw-1.fleet.test";
    private static final TestCa CA = TestCa.root("fleet CA");
    private static final Device GATEWAY = Device.issue(CA, GW, GW);
    private static final Path DIR = tempDir();
    private static final List<String> EVENTS = new ArrayList<>();
    private static final InventoryCollector COLLECTOR = collector();

    @FuzzTest(maxDuration = "30s")
    void message(byte[] input) throws JoseException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean signedByGateway = (input[0] & 1) == 1;
        boolean escrow = (input[0] & 2) == 2;
        byte[] message = signedByGateway
                ? sign(new String(rest, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII)
                : rest;
        EVENTS.clear();
        if (escrow) {
            COLLECTOR.escrow("fleet/escrow/" + GW, GW, message);
        } else {
            COLLECTOR.inventory("fleet/inventory/" + GW, GW, message);
        }
        if (!signedByGateway) {
            assertEquals(List.of(FleetEvents.TOPIC_INVENTORY_REJECTED), EVENTS, "a message the fuzzer made up");
        } else {
            // a repeated inventory (same seq) is dropped silently; anything else is accepted or rejected, once
            assertTrue(EVENTS.size() <= 1, "more than one event for one message: " + EVENTS);
        }
    }

    private static String sign(String payload) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setCertificateChainHeaderValue(GATEWAY.chain().toArray(X509Certificate[]::new));
        jws.setKey(GATEWAY.key().getPrivate());
        jws.setAlgorithmHeaderValue("ES256");
        return jws.getCompactSerialization();
    }

    private static InventoryCollector collector() {
        try {
            Path roots = DIR.resolve("roots.pem");
            Files.writeString(roots, Pem.encode("CERTIFICATE", CA.certificate().getEncoded()));
            Map<String, Object> p = new HashMap<>();
            p.put("mqtt.broker.url", "tcp://127.0.0.1:1883");
            p.put("fleet.id", "f");
            p.put("notices.apply", "false");
            p.put("inventory.collect", "true");
            p.put("inventory.ca.roots", roots.toString());
            p.put("escrow.deposit.dir", DIR.resolve("deposits").toString());
            p.put("data.dir", DIR.resolve("data").toString());
            return new InventoryCollector(
                    FleetOptions.parse(p, null), Clock.systemUTC(), (topic, props) -> EVENTS.add(topic), i -> {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException | InvalidConfigurationException e) {
            throw new IllegalStateException("cannot set up the collector: " + e, e);
        }
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("keywarden-fuzz-fleet");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
