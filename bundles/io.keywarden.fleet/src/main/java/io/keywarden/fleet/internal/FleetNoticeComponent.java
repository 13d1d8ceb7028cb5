package io.keywarden.fleet.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.config.SecretDecoder;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.fleet.transport.FleetTransport;
import io.keywarden.api.fleet.transport.FleetTransportListener;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.fleet.internal.config.FleetConfig;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.config.StoreSettings;
import io.keywarden.fleet.internal.inventory.AuthorityIngest;
import io.keywarden.fleet.internal.inventory.GatewayEnvelope;
import io.keywarden.fleet.internal.inventory.GatewayInventory;
import io.keywarden.fleet.internal.inventory.InventoryCollector;
import io.keywarden.fleet.internal.inventory.InventoryPublisher;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.mqtt.MqttLink;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.fleet.internal.notice.AppliedNotices;
import io.keywarden.fleet.internal.notice.NoticePublisher;
import io.keywarden.fleet.internal.transport.FleetLink;
import io.keywarden.fleet.internal.transport.TransportLink;
import io.keywarden.relyingparty.Notice;
import io.keywarden.relyingparty.NoticeCodec;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.config.ConfigSecrets;
import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.config.Registrations;
import io.keywarden.support.threads.ExecutorStop;
import io.keywarden.support.threads.NamedThreads;

/**
 * Fleet revocation notices over MQTT, through this bundle's own client or a platform's {@link FleetTransport}. As the fleet authority it signs a notice for every revocation its revocation
 * component accepts and publishes it retained (outbox first, so a broker outage or a restart loses none); as a gateway
 * it verifies notices with the authority's key and denies the certificates they name at once, through a
 * {@link DenyList} service the enforcement points consult beside the local one. A gateway also publishes its signed
 * inventory and escrow deposit ({@link InventoryPublisher}); the authority collects them ({@link InventoryCollector}).
 */
// service = {}: registered by activate() once the configuration is valid (see AcmeEnrollmentComponent for why)
@Component(
        configurationPid = FleetOptions.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = FleetConfig.class)
public final class FleetNoticeComponent implements FleetTransportListener {
    private static final Logger LOG = LoggerFactory.getLogger(FleetNoticeComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayEnrollmentService gateway;
    /** The gateway's own inventory, never one this component serves for a remote gateway. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))")
    private volatile CertificateInventory localInventory;

    /** Kura's decryption of the broker password (through the Kura adapter); see the ACME component for the rule. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private SecretDecoder secretDecoder;

    /** Every deny list of the node (the revocation component's, the fleet notices'): a denied key speaks for nobody. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<DenyList> denyLists;

    private FleetOptions options;
    private ScheduledExecutorService executor;
    private AppliedNotices applied;
    private NoticePublisher publisher;
    private FleetLink link;
    private InventoryPublisher inventoryPublisher;
    private AuthorityIngest collector;
    private Registrations registrations;
    private final AtomicBoolean inventoryDue = new AtomicBoolean();

    @Activate
    void activate(BundleContext context, Map<String, Object> properties)
            throws InvalidConfigurationException, IOException, MqttException {
        File dataArea = context.getDataFile("fleet");
        Optional<Map<String, Object>> decoded = ConfigurationErrors.parse(
                LOG,
                eventAdmin,
                FleetOptions.PID,
                () -> ConfigSecrets.decode(
                        properties,
                        List.of(FleetOptions.KEY_PASSWORD, StoreSettings.KEY_PASSWORD),
                        secretDecoder,
                        context));
        if (decoded.isEmpty()) {
            // the static greedy reference re-activates this component as soon as the decoder is registered
            LOG.info(
                    "Configuration {} has encrypted secrets and the platform's SecretDecoder is not registered "
                            + "yet: fleet notices wait for it",
                    FleetOptions.PID);
            return;
        }
        options = ConfigurationErrors.parse(
                LOG,
                eventAdmin,
                FleetOptions.PID,
                () -> FleetOptions.parse(decoded.get(), dataArea == null ? null : dataArea.toPath()));
        registrations = new Registrations(context);
        executor = Executors.newSingleThreadScheduledExecutor(NamedThreads.single("keywarden-fleet"));
        if (options.getAuthorityKey().isPresent()) {
            applied = new AppliedNotices(options.getDataDir().resolve("applied-notices.properties"));
        }
        link = options.getTransport() == FleetOptions.Transport.MQTT
                ? new MqttLink(options, this, executor)
                : new TransportLink(context, FleetTransport.TYPE_KURA_CLOUD, this);
        if (options.getSigningKey().isPresent()) {
            publisher = new NoticePublisher(
                    options, new Outbox(options.getDataDir().resolve("outbox")), link, Clock.systemUTC(), this::post);
        }
        if (options.isInventoryPublish()) {
            inventoryPublisher = new InventoryPublisher(
                    options,
                    new Outbox(options.getDataDir().resolve("inventory-outbox")),
                    link,
                    Clock.systemUTC(),
                    () -> Optional.ofNullable(gateway),
                    () -> Optional.ofNullable(localInventory));
            // the ACME bundle rewrites its deposit whenever it logs in; a look every few seconds costs one small read
            executor.scheduleWithFixedDelay(inventoryPublisher::publishEscrowIfChanged, 5, 5, TimeUnit.SECONDS);
            executor.scheduleWithFixedDelay(inventoryPublisher::resendIfUnacknowledged, 5, 5, TimeUnit.SECONDS);
            // on Kura the gateway's key reaches the keystore just after the ENROLLED event that asked for an inventory
            executor.scheduleWithFixedDelay(inventoryPublisher::retryIfWaiting, 1, 1, TimeUnit.SECONDS);
        }
        if (options.isInventoryCollect()) {
            StoreSettings store = ConfigurationErrors.parse(
                    LOG, eventAdmin, FleetOptions.PID, () -> StoreSettings.parse(decoded.get(), options.getDataDir()));
            collector = new AuthorityIngest(
                    options,
                    store,
                    context,
                    executor,
                    this::post,
                    this::registerInventory,
                    this::denied,
                    this::publishAck);
            // another authority instance on the same database may accept a gateway this one has not heard of
            executor.scheduleWithFixedDelay(collector::serveNewGateways, 30, 30, TimeUnit.SECONDS);
        }
        link.start();
        register();
        LOG.info("Fleet notices started: {}", options);
    }

    private void register() {
        if (applied != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(FleetEvents.DENY_SOURCE_PROPERTY, FleetEvents.DENY_SOURCE_NOTICES);
            p.put(Constants.SERVICE_PID, FleetOptions.PID);
            registrations.register(DenyList.class, applied, p);
        }
        if (publisher != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(
                    EventConstants.EVENT_TOPIC,
                    new String[] {RevocationEvents.TOPIC_ACCEPTED, RevocationEvents.TOPIC_EXTENDED});
            registrations.register(EventHandler.class, event -> executor.execute(() -> publisher.accepted(event)), p);
        }
        if (collector != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(EventConstants.EVENT_TOPIC, new String[] {RevocationEvents.TOPIC_ACCEPTED});
            registrations.register(EventHandler.class, this::ticketAccepted, p);
        }
        if (inventoryPublisher != null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put(
                    EventConstants.EVENT_TOPIC,
                    new String[] {EnrollmentEvents.TOPIC_ENROLLED, EnrollmentEvents.TOPIC_RENEWED});
            registrations.register(EventHandler.class, event -> inventoryChanged(), p);
        }
    }

    /** A burst of enrollments (a gateway and its sensors at start) becomes one inventory message, not one each. */
    private void inventoryChanged() {
        if (inventoryDue.compareAndSet(false, true)) {
            executor.schedule(
                    () -> {
                        inventoryDue.set(false);
                        inventoryPublisher.publishInventory();
                        inventoryPublisher.publishEscrowIfChanged();
                    },
                    200,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** An accepted COMPROMISED_GATEWAY ticket freezes what the collector records for that gateway. */
    private void ticketAccepted(Event event) {
        String target = String.valueOf(event.getProperty(RevocationEvents.PROPERTY_TARGET));
        String prefix = RevocationTarget.Kind.COMPROMISED_GATEWAY.name().toLowerCase(Locale.ROOT) + ":";
        if (target.startsWith(prefix)) {
            String gatewayId = target.substring(prefix.length());
            collector.compromised(gatewayId);
        }
    }

    private boolean denied(String serial) {
        List<DenyList> lists = denyLists;
        return lists != null && lists.stream().anyMatch(d -> d.isDenied(serial));
    }

    private void publishAck(String gatewayId, LogAck ack) {
        link.publish(
                options.gatewayTopic(InventoryPublisher.TYPE_LOG_ACK, gatewayId),
                ascii(ack.encode(options.getSigningKey(), options.getAuthorityId())),
                () -> {});
    }

    /** Serves an accepted remote gateway's inventory to the revocation component. */
    private void registerInventory(GatewayInventory inventory) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(FleetEvents.INVENTORY_SOURCE_PROPERTY, FleetEvents.INVENTORY_SOURCE_FLEET);
        p.put(FleetEvents.INVENTORY_GATEWAY_PROPERTY, inventory.gatewayId());
        // a reference without a filter (a shell, an adapter) must keep getting this node's own inventory
        p.put(Constants.SERVICE_RANKING, Integer.MIN_VALUE);
        registrations.register(CertificateInventory.class, inventory, p);
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
        }
        if (link != null) {
            link.close();
        }
        if (inventoryPublisher != null) {
            inventoryPublisher.close();
        }
        if (executor != null) {
            ExecutorStop.now(executor, Duration.ofSeconds(5));
        }
        if (collector != null) {
            collector.close();
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
        if (collector != null) {
            // work one instance of a share group does: the escrow vault is in the shared database (proven once,
            // used by every instance)
            link.subscribe(options.workFilter(options.gatewayTopic(InventoryPublisher.TYPE_LOG, "+")));
            if (options.getEscrowDepositDir().isPresent()) {
                link.subscribe(options.workFilter(options.gatewayTopic(GatewayEnvelope.TYPE_ESCROW, "+")));
            }
        }
        if (inventoryPublisher != null) {
            GatewayEnrollmentService gw = gateway;
            link.subscribe(options.gatewayTopic(InventoryPublisher.TYPE_LOG_ACK, gw == null ? "+" : gw.getDeviceId()));
            executor.execute(inventoryPublisher::connected);
        }
    }

    @Override
    public void message(String topic, byte[] payload) {
        String[] levels = topic.split("/", -1);
        if (inventoryPublisher != null && levels.length == 4 && levels[2].equals(InventoryPublisher.TYPE_LOG_ACK)) {
            GatewayEnrollmentService gw = gateway;
            if (gw != null && levels[3].equals(gw.getDeviceId())) {
                executor.execute(() -> inventoryPublisher.acknowledged(payload));
            }
            return;
        }
        if (collector != null && levels.length == 4 && !levels[2].equals("revocation-notices")) {
            // bounded: while the collector is behind, this (the transport's) thread waits, then refuses (IngestGate)
            collector.received(topic, levels[2], levels[3], payload);
            return;
        }
        if (applied == null || payload.length == 0) {
            // an empty retained message is how a broker operator clears a topic: nothing to apply
            return;
        }
        Notice notice;
        try {
            notice = NoticeCodec.verify(payload, options.getAuthorityKey().get(), options.getAuthorityId());
        } catch (RejectedNoticeException e) {
            LOG.warn("Rejected a message on {}: {}", topic, e.getMessage());
            post(
                    FleetEvents.TOPIC_NOTICE_REJECTED,
                    Map.of(FleetEvents.PROPERTY_MQTT_TOPIC, topic, FleetEvents.PROPERTY_ERROR, e.getMessage()));
            return;
        }
        try {
            Set<String> added = applied.apply(notice);
            if (!added.isEmpty()) {
                LOG.info("Notice {} from {}: denied {}", notice.ticketId(), notice.authority(), added);
                post(
                        FleetEvents.TOPIC_NOTICE_APPLIED,
                        Map.of(
                                FleetEvents.PROPERTY_TICKET_ID,
                                notice.ticketId(),
                                FleetEvents.PROPERTY_SERIALS,
                                added.toArray(new String[0]),
                                FleetEvents.PROPERTY_AUTHORITY,
                                notice.authority(),
                                FleetEvents.PROPERTY_MQTT_TOPIC,
                                topic));
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

    public static List<String> strings(Object value) {
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

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
