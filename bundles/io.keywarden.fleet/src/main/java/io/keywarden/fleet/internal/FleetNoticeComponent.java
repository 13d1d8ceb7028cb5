package io.keywarden.fleet.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RevocationEvents;

/**
 * Fleet revocation notices over MQTT. As the fleet authority it signs a notice for every revocation its revocation
 * component accepts and publishes it retained (outbox first, so a broker outage or a restart loses none); as a gateway
 * it verifies notices with the authority's key and denies the certificates they name at once, through a
 * {@link DenyList} service the enforcement points consult beside the local one.
 */
// service = {}: registered by activate() once the configuration is valid (see AcmeEnrollmentComponent for why)
@Component(configurationPid = FleetOptions.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
@Designate(ocd = FleetConfig.class)
public final class FleetNoticeComponent implements MqttLink.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(FleetNoticeComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private FleetOptions options;
    private ScheduledExecutorService executor;
    private AppliedNotices applied;
    private NoticePublisher publisher;
    private MqttLink link;
    private ServiceRegistration<?> denyRegistration;
    private ServiceRegistration<?> handlerRegistration;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws InvalidConfigurationException,
            IOException, MqttException {
        File dataArea = context.getDataFile("fleet");
        try {
            options = FleetOptions.parse(properties, dataArea == null ? null : dataArea.toPath());
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration {} rejected, fleet notices stay off: {}", FleetOptions.PID, e.getMessage());
            throw e;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keywarden-fleet");
            t.setDaemon(true);
            return t;
        });
        if (options.getAuthorityKey().isPresent()) {
            applied = new AppliedNotices(options.getDataDir().resolve("applied-notices.properties"));
        }
        link = new MqttLink(options, this, executor);
        if (options.getSigningKey().isPresent()) {
            publisher = new NoticePublisher(options, new Outbox(options.getDataDir().resolve("outbox")), link,
                    Clock.systemUTC(), this::post);
        }
        link.start();
        register(context);
        LOG.info("Fleet notices started: {}", options);
    }

    private void register(BundleContext context) {
        if (applied != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(FleetEvents.DENY_SOURCE_PROPERTY, FleetEvents.DENY_SOURCE_NOTICES);
            p.put(Constants.SERVICE_PID, FleetOptions.PID);
            denyRegistration = context.registerService(DenyList.class, applied, p);
        }
        if (publisher != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(EventConstants.EVENT_TOPIC, new String[] { RevocationEvents.TOPIC_ACCEPTED });
            handlerRegistration = context.registerService(EventHandler.class,
                    event -> executor.execute(() -> publisher.accepted(event)), p);
        }
    }

    @Deactivate
    void deactivate() {
        unregister(handlerRegistration);
        unregister(denyRegistration);
        handlerRegistration = null;
        denyRegistration = null;
        if (link != null) {
            link.close();
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void unregister(ServiceRegistration<?> r) {
        if (r == null) {
            return;
        }
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
    }

    @Override
    public void connected(boolean reconnect) {
        if (applied != null) {
            link.subscribe(options.subscriptionFilter());
        }
        if (publisher != null) {
            executor.execute(publisher::flush);
        }
    }

    @Override
    public void message(String topic, byte[] payload) {
        if (applied == null || payload.length == 0) {
            // an empty retained message is how a broker operator clears a topic: nothing to apply
            return;
        }
        Notice notice;
        try {
            notice = NoticeCodec.verify(payload, options.getAuthorityKey().get(), options.getAuthorityId());
        } catch (RejectedNoticeException e) {
            LOG.warn("Rejected a message on {}: {}", topic, e.getMessage());
            post(FleetEvents.TOPIC_NOTICE_REJECTED, Map.of(FleetEvents.PROPERTY_MQTT_TOPIC, topic,
                    FleetEvents.PROPERTY_ERROR, e.getMessage()));
            return;
        }
        try {
            Set<String> added = applied.apply(notice);
            if (!added.isEmpty()) {
                LOG.info("Notice {} from {}: denied {}", notice.ticketId(), notice.authority(), added);
                post(FleetEvents.TOPIC_NOTICE_APPLIED, Map.of(FleetEvents.PROPERTY_TICKET_ID, notice.ticketId(),
                        FleetEvents.PROPERTY_SERIALS, added.toArray(new String[0]),
                        FleetEvents.PROPERTY_AUTHORITY, notice.authority(), FleetEvents.PROPERTY_MQTT_TOPIC, topic));
            }
        } catch (IOException e) {
            // in memory nothing changed either; the retained notice arrives again on the next connection
            LOG.error("Cannot record notice {}: {}", notice.ticketId(), e.getMessage());
        }
    }

    void post(String topic, Map<String, ?> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }

    static List<String> strings(Object value) {
        if (value instanceof String[] a) {
            return List.of(a);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        return List.of();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
