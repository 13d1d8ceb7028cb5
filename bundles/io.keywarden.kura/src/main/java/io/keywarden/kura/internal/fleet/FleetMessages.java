package io.keywarden.kura.internal.fleet;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.message.KuraPayload;

/**
 * How fleet messages map onto Kura's cloud connection. Outgoing: the signed message is the payload's body, unchanged,
 * and the message properties name the fleet topic whole ({@value #PROPERTY_TOPIC}) and in parts ({@value #PROPERTY_FLEET},
 * {@value #PROPERTY_KIND}, {@value #PROPERTY_ID}) so a Kura-protocol publisher's {@code app.topic} can use
 * {@code $fleet}, {@code $kind} and {@code $id}. Incoming: the topic is the one Kura's raw MQTT subscriber reports
 * ({@value #PROPERTY_TOPIC}), else the application topic a Kura-protocol subscriber reports ({@value #PROPERTY_APP_TOPIC}).
 */
final class FleetMessages {
    static final String PROPERTY_TOPIC = "topic";
    static final String PROPERTY_APP_TOPIC = "appTopic";
    static final String PROPERTY_FLEET = "fleet";
    static final String PROPERTY_KIND = "kind";
    static final String PROPERTY_ID = "id";
    static final String KIND_ESCROW = "escrow";

    /** {@code keywarden/<fleet>/<kind>/<id>}, each level free of wildcards and separators. */
    private static final Pattern FLEET_TOPIC = Pattern.compile("keywarden/[^/+#]+/[^/+#]+/[^/+#]+");

    /** A message as the fleet component sees it. */
    record Received(String topic, byte[] payload) {}

    private FleetMessages() {}

    static boolean isFleetTopic(String topic) {
        return topic != null && FLEET_TOPIC.matcher(topic).matches();
    }

    /** The third level: {@code revocation-notices}, {@code inventory} or {@code escrow}. */
    static String kind(String fleetTopic) {
        return fleetTopic.split("/")[2];
    }

    static KuraMessage toKura(String topic, byte[] body) {
        if (!isFleetTopic(topic)) {
            throw new IllegalArgumentException("not a fleet topic (keywarden/<fleet>/<kind>/<id>): " + topic);
        }
        String[] levels = topic.split("/");
        KuraPayload payload = new KuraPayload();
        payload.setTimestamp(new Date());
        payload.setBody(body.clone());
        Map<String, Object> properties = new HashMap<>();
        properties.put(PROPERTY_TOPIC, topic);
        properties.put(PROPERTY_FLEET, levels[1]);
        properties.put(PROPERTY_KIND, levels[2]);
        properties.put(PROPERTY_ID, levels[3]);
        return new KuraMessage(payload, properties);
    }

    /** Empty for a message that is no fleet message: no body, no fleet topic. */
    static Optional<Received> fromKura(KuraMessage message) {
        if (message == null || message.getPayload() == null) {
            return Optional.empty();
        }
        byte[] body = message.getPayload().getBody();
        String topic = topicOf(message.getProperties());
        if (body == null || body.length == 0 || !isFleetTopic(topic)) {
            return Optional.empty();
        }
        return Optional.of(new Received(topic, body));
    }

    private static String topicOf(Map<String, Object> properties) {
        if (properties == null) {
            return null;
        }
        Object topic = properties.get(PROPERTY_TOPIC);
        if (topic == null) {
            topic = properties.get(PROPERTY_APP_TOPIC);
        }
        return topic == null ? null : topic.toString();
    }

    /** MQTT topic filter matching: {@code +} one level, {@code #} the rest (also none). */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
