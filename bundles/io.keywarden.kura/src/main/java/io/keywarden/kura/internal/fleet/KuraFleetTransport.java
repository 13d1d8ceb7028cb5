package io.keywarden.kura.internal.fleet;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.cloudconnection.subscriber.CloudSubscriber;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.transport.FleetChannel;
import io.keywarden.api.fleet.transport.FleetTransport;
import io.keywarden.api.fleet.transport.FleetTransportListener;
import io.keywarden.support.threads.ExecutorStop;

/**
 * Fleet messages over the gateway's Kura cloud connection: a {@link FleetTransport} (type {@code kura-cloud}) over the
 * CloudPublishers and the CloudSubscriber chosen in the console. Delivery is confirmed by Kura's
 * {@code CloudDeliveryListener}; until then the fleet component keeps each message in its outbox.
 */
@Component(
        configurationPid = KuraFleetTransport.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {ConfigurableComponent.class, FleetTransport.class},
        property = {
            "kura.service.pid=" + KuraFleetTransport.PID,
            FleetTransport.PROPERTY_TYPE + "=" + FleetTransport.TYPE_KURA_CLOUD
        })
@Designate(ocd = KuraFleetConfig.class)
public final class KuraFleetTransport
        implements ConfigurableComponent, FleetTransport, CloudConnectionListener, CloudSubscriberListener {
    static final String PID = "io.keywarden.kura.fleet";
    /** As Kura's own cloud components: nothing binds until the console names a service (both publishers are alike). */
    static final String UNCHOSEN = "(kura.service.pid=changeme)";

    private static final Logger LOG = LoggerFactory.getLogger(KuraFleetTransport.class);

    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keywarden-fleet-cloud");
        t.setDaemon(true);
        return t;
    });
    private final List<KuraFleetChannel> channels = new CopyOnWriteArrayList<>();
    private volatile PublisherBinding publisher;
    private volatile PublisherBinding escrowPublisher;
    private volatile CloudSubscriber subscriber;
    private volatile boolean connected;

    @Reference(
            name = "CloudPublisher",
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindPublisher",
            target = UNCHOSEN)
    void bindPublisher(CloudPublisher p) {
        publisher = bound(p, "inventory");
        newPath();
    }

    void unbindPublisher(CloudPublisher p) {
        publisher = released(publisher, p);
    }

    @Reference(
            name = "EscrowCloudPublisher",
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindEscrowPublisher",
            target = UNCHOSEN)
    void bindEscrowPublisher(CloudPublisher p) {
        escrowPublisher = bound(p, "escrow");
        newPath();
    }

    void unbindEscrowPublisher(CloudPublisher p) {
        escrowPublisher = released(escrowPublisher, p);
    }

    @Reference(
            name = "CloudSubscriber",
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindSubscriber",
            target = UNCHOSEN)
    void bindSubscriber(CloudSubscriber s) {
        s.registerCloudSubscriberListener(this);
        s.registerCloudConnectionListener(this);
        subscriber = s;
        newPath();
    }

    void unbindSubscriber(CloudSubscriber s) {
        s.unregisterCloudSubscriberListener(this);
        s.unregisterCloudConnectionListener(this);
        if (subscriber == s) {
            subscriber = null;
        }
    }

    /**
     * The authority's acknowledgements of this gateway's issuance log arrive on a topic of their own
     * ({@code keywarden/<fleet>/log-ack/<gateway>}); a raw subscriber has one filter, hence a second subscriber.
     */
    @Reference(
            name = "AckCloudSubscriber",
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindAckSubscriber",
            target = UNCHOSEN)
    void bindAckSubscriber(CloudSubscriber s) {
        s.registerCloudSubscriberListener(this);
        s.registerCloudConnectionListener(this);
        newPath();
    }

    void unbindAckSubscriber(CloudSubscriber s) {
        s.unregisterCloudSubscriberListener(this);
        s.unregisterCloudConnectionListener(this);
    }

    /** A new path to the broker: the fleet component subscribes again and sends what waits. */
    private void newPath() {
        channels.forEach(KuraFleetChannel::connected);
    }

    private PublisherBinding bound(CloudPublisher p, String use) {
        PublisherBinding b = new PublisherBinding(p, use);
        p.registerCloudDeliveryListener(b);
        p.registerCloudConnectionListener(this);
        return b;
    }

    private PublisherBinding released(PublisherBinding current, CloudPublisher p) {
        p.unregisterCloudConnectionListener(this);
        if (current != null && current.publisher() == p) {
            p.unregisterCloudDeliveryListener(current);
            return null;
        }
        return current;
    }

    @Modified
    void modified() {
        LOG.debug("Fleet cloud transport reconfigured; DS rebinds the chosen publishers and subscriber");
    }

    @Deactivate
    void deactivate() {
        channels.clear();
        ExecutorStop.now(callbacks, Duration.ofSeconds(5));
    }

    @Override
    public FleetChannel open(FleetTransportListener listener) {
        KuraFleetChannel channel = new KuraFleetChannel(this, listener, callbacks);
        channels.add(channel);
        if (publisher != null || escrowPublisher != null || subscriber != null) {
            // Kura keeps what is published while offline in its own store and says nothing of the current state
            channel.connected();
        }
        return channel;
    }

    void closed(KuraFleetChannel channel) {
        channels.remove(channel);
    }

    boolean isConnected() {
        return connected;
    }

    /** Escrow deposits go through their own publisher (a raw MQTT publisher has one topic), the rest through the other. */
    boolean publish(String topic, byte[] payload, Runnable onDelivered) {
        if (!FleetMessages.isFleetTopic(topic)) {
            LOG.warn("Not a fleet topic, not published: {}", topic);
            return false;
        }
        boolean escrow = FleetMessages.KIND_ESCROW.equals(FleetMessages.kind(topic));
        PublisherBinding b = escrow ? escrowPublisher : publisher;
        if (b == null) {
            LOG.info(
                    "No {} bound (set its target filter in {}): {} waits in the outbox",
                    escrow ? "EscrowCloudPublisher" : "CloudPublisher",
                    PID,
                    topic);
            return false;
        }
        KuraMessage message = FleetMessages.toKura(topic, payload);
        return b.publish(message, onDelivered);
    }

    @Override
    public void onMessageArrived(KuraMessage message) {
        FleetMessages.fromKura(message)
                .ifPresentOrElse(
                        m -> channels.forEach(c -> c.arrived(m)),
                        () -> LOG.debug("Ignored a cloud message that is no fleet message"));
    }

    @Override
    public void onConnectionEstablished() {
        connected = true;
        channels.forEach(KuraFleetChannel::connected);
    }

    @Override
    public void onConnectionLost() {
        connected = false;
    }

    @Override
    public void onDisconnected() {
        connected = false;
    }
}
