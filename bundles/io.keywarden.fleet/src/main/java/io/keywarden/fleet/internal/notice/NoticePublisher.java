package io.keywarden.fleet.internal.notice;

import java.io.IOException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.osgi.service.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.fleet.internal.FleetNoticeComponent;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.fleet.internal.transport.FleetLink;
import io.keywarden.relyingparty.Notice;
import io.keywarden.relyingparty.NoticeCodec;

/** The fleet authority's side: turns accepted revocations into signed, retained notices. Runs on one thread. */
public final class NoticePublisher {
    private static final Logger LOG = LoggerFactory.getLogger(NoticePublisher.class);

    private final FleetOptions options;
    private final Outbox outbox;
    private final FleetLink link;
    private final Clock clock;
    private final BiConsumer<String, Map<String, ?>> events;
    private final PrivateKey key;

    public NoticePublisher(
            FleetOptions options,
            Outbox outbox,
            FleetLink link,
            Clock clock,
            BiConsumer<String, Map<String, ?>> events) {
        this.options = options;
        this.outbox = outbox;
        this.link = link;
        this.clock = clock;
        this.events = events;
        this.key = options.getSigningKey().orElseThrow();
    }

    /**
     * Handles {@link RevocationEvents#TOPIC_ACCEPTED} and {@link RevocationEvents#TOPIC_EXTENDED}: the notice of a
     * ticket (retained, one topic per ticket) names every serial the ticket names by then.
     */
    public void accepted(Event event) {
        Object ticket = event.getProperty(RevocationEvents.PROPERTY_TICKET_ID);
        List<String> serials = FleetNoticeComponent.strings(event.getProperty(RevocationEvents.PROPERTY_SERIALS));
        if (ticket == null || serials.isEmpty()) {
            LOG.warn("Accepted revocation {} names no certificate: no notice", ticket);
            return;
        }
        Object reason = event.getProperty(RevocationEvents.PROPERTY_REASON);
        Notice notice;
        try {
            notice = new Notice(
                    ticket.toString(),
                    serials,
                    FleetNoticeComponent.strings(event.getProperty(RevocationEvents.PROPERTY_DEVICE_IDS)),
                    reason instanceof Number n ? n.intValue() : 0,
                    clock.instant(),
                    options.getAuthorityId());
        } catch (IllegalArgumentException e) {
            LOG.error("Accepted revocation {} cannot become a notice: {}", ticket, e.getMessage());
            return;
        }
        String level = Notice.topicSafe(notice.ticketId());
        String jws = NoticeCodec.sign(notice, key);
        try {
            outbox.put(level, jws);
        } catch (IOException e) {
            LOG.error("Cannot keep notice {} in the outbox ({}); publishing it once anyway", level, e.getMessage());
        }
        send(level, jws);
    }

    /** Sends everything the broker has not acknowledged; called on every (re)connection. */
    public void flush() {
        try {
            for (Outbox.Entry e : outbox.pending()) {
                send(e.topicLevel(), e.compactJws());
            }
        } catch (IOException e) {
            LOG.error("Cannot read the notice outbox: {}", e.getMessage());
        }
    }

    private void send(String level, String jws) {
        String topic = options.topicFor(level);
        boolean sent = link.publish(topic, FleetNoticeComponent.ascii(jws), () -> {
            try {
                // a ticket's notice may be replaced by one naming more serials before the broker acknowledges
                outbox.removeIfUnchanged(level, jws);
            } catch (IOException e) {
                LOG.warn(
                        "Cannot clear {} from the outbox ({}); it will be published again, which is harmless",
                        level,
                        e.getMessage());
            }
            events.accept(
                    FleetEvents.TOPIC_NOTICE_PUBLISHED,
                    Map.of(FleetEvents.PROPERTY_TICKET_ID, level, FleetEvents.PROPERTY_MQTT_TOPIC, topic));
        });
        if (!sent) {
            LOG.info("Broker not connected: notice {} waits in the outbox", level);
        }
    }
}
