package io.keywarden.kura.internal.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.message.KuraPayload;
import org.junit.jupiter.api.Test;

/** The mapping between fleet topics and Kura cloud messages, as Kura's publishers and subscribers use them. */
class FleetMessagesTest {
    private static final byte[] JWS = "eyJhbGciOiJFUzI1NiJ9.e30.sig".getBytes(StandardCharsets.US_ASCII);

    @Test
    void anOutgoingMessageCarriesTheSignedBytesAsBodyAndTheTopicInProperties() {
        KuraMessage m = FleetMessages.toKura("keywarden/f-1/inventory/gw-1.example", JWS);
        assertArrayEquals(JWS, m.getPayload().getBody());
        Map<String, Object> p = m.getProperties();
        assertEquals("keywarden/f-1/inventory/gw-1.example", p.get("topic"));
        assertEquals("f-1", p.get("fleet"));
        assertEquals("inventory", p.get("kind"));
        assertEquals("gw-1.example", p.get("id"));
    }

    /**
     * A Kura-protocol CloudPublisher replaces each {@code $name} in its {@code app.topic} with the message property of
     * that name (a name runs to the next '/' or blank); this is that rule applied to our properties.
     */
    @Test
    void aKuraProtocolAppTopicTemplateYieldsTheFleetTopic() {
        KuraMessage m = FleetMessages.toKura("keywarden/f-1/escrow/gw-1.example", JWS);
        assertEquals("keywarden/f-1/escrow/gw-1.example", fill("keywarden/$fleet/$kind/$id", m.getProperties()));
        assertEquals("escrow/gw-1.example", fill("$kind/$id", m.getProperties()));
    }

    @Test
    void onlyFleetTopicsGoOut() {
        assertThrows(IllegalArgumentException.class, () -> FleetMessages.toKura("keywarden/f/inventory", JWS));
        assertThrows(IllegalArgumentException.class, () -> FleetMessages.toKura("keywarden/f/inventory/+", JWS));
        assertThrows(IllegalArgumentException.class, () -> FleetMessages.toKura("other/f/inventory/gw", JWS));
        assertThrows(IllegalArgumentException.class, () -> FleetMessages.toKura("keywarden/f/inventory/gw/x", JWS));
    }

    @Test
    void anIncomingRawMqttMessageGivesItsTopicAndBody() {
        KuraPayload payload = new KuraPayload();
        payload.setBody(JWS);
        FleetMessages.Received r = FleetMessages.fromKura(
                        new KuraMessage(payload, Map.of("topic", "keywarden/f-1/revocation-notices/t-1")))
                .orElseThrow();
        assertEquals("keywarden/f-1/revocation-notices/t-1", r.topic());
        assertArrayEquals(JWS, r.payload());
    }

    @Test
    void anIncomingKuraProtocolMessageGivesItsApplicationTopic() {
        KuraPayload payload = new KuraPayload();
        payload.setBody(JWS);
        FleetMessages.Received r = FleetMessages.fromKura(new KuraMessage(
                        payload, Map.of("deviceId", "gw-1", "appTopic", "keywarden/f-1/revocation-notices/t-2")))
                .orElseThrow();
        assertEquals("keywarden/f-1/revocation-notices/t-2", r.topic());
    }

    @Test
    void messagesWithoutBodyOrFleetTopicAreNotFleetMessages() {
        KuraPayload empty = new KuraPayload();
        assertTrue(FleetMessages.fromKura(new KuraMessage(empty, Map.of("topic", "keywarden/f/revocation-notices/t")))
                .isEmpty());
        KuraPayload body = new KuraPayload();
        body.setBody(JWS);
        assertTrue(FleetMessages.fromKura(new KuraMessage(body, Map.of("topic", "A/b")))
                .isEmpty());
        assertTrue(FleetMessages.fromKura(new KuraMessage(body, Map.of())).isEmpty());
    }

    @Test
    void topicFiltersMatchAsMqttDoes() {
        assertTrue(FleetMessages.matches("keywarden/f/revocation-notices/+", "keywarden/f/revocation-notices/t"));
        assertFalse(FleetMessages.matches("keywarden/f/revocation-notices/+", "keywarden/f/revocation-notices/t/x"));
        assertFalse(FleetMessages.matches("keywarden/f/revocation-notices/+", "keywarden/g/revocation-notices/t"));
        assertFalse(FleetMessages.matches("keywarden/f/inventory/+", "keywarden/f/revocation-notices/t"));
        assertTrue(FleetMessages.matches("keywarden/f/#", "keywarden/f/escrow/gw"));
        assertTrue(FleetMessages.matches("keywarden/f/#", "keywarden/f"));
        assertFalse(FleetMessages.matches("keywarden/f/escrow/gw", "keywarden/f/escrow"));
    }

    /** Kura's documented app.topic rule, written here for the test: {@code $name} → property {@code name}, if present. */
    private static String fill(String template, Map<String, Object> properties) {
        Matcher m = Pattern.compile("\\$([^\\s/]+)").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object v = properties.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
