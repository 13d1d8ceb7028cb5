package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.config.StoreSettings;
import io.keywarden.fleet.internal.log.JdbcLogStore;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.JdbcDrivers;

/**
 * The authority's side of gateway messages, as the fleet component runs it: the issuance logs' database, the
 * {@link InventoryCollector} on the component's thread, and the {@link IngestGate} between the transport's delivery
 * thread and that thread.
 */
public final class AuthorityIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityIngest.class);

    private final Database database;
    private final InventoryCollector collector;
    private final IngestGate gate;
    private final Executor executor;
    private final BiConsumer<String, Map<String, ?>> events;

    /**
     * Opens the database, brings its schema up to date and serves the logs it holds.
     *
     * @param context the bundle's context (for the driver's OSGi JDBC service), or null outside OSGi
     * @param executor the component's single thread: the collector runs there only
     */
    public AuthorityIngest(
            FleetOptions options,
            StoreSettings store,
            BundleContext context,
            Executor executor,
            BiConsumer<String, Map<String, ?>> events,
            InventoryCollector.Registrar registrar,
            Predicate<String> denied,
            BiConsumer<String, LogAck> acks)
            throws IOException {
        this.executor = executor;
        this.events = events;
        this.database = Database.open(
                store.url(), JdbcDrivers.connectionSource(context, store.url(), store.user(), store.password()));
        try {
            LOG.info(
                    "Issuance logs in {} ({})", database.description(), JdbcDrivers.route(context, database.dialect()));
            this.collector = new InventoryCollector(
                    options, new JdbcLogStore(database), Clock.systemUTC(), events, registrar, denied, acks);
            collector.load();
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        this.gate = new IngestGate(executor, IngestGate.MAX_MESSAGES, IngestGate.MAX_BYTES, IngestGate.MAX_WAIT);
    }

    /**
     * A message on {@code keywarden/<fleet>/<type>/<gateway>}, on the transport's delivery thread: waits while the
     * collector is behind, and refuses it ({@link IngestGate.Overloaded}) when it stays behind.
     */
    public void received(String topic, String type, String gatewayId, byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        if (!FleetOptions.isGatewayId(gatewayId)) {
            LOG.warn("Rejected a message on {}: {} is not a gateway id", topic, gatewayId);
            events.accept(
                    FleetEvents.TOPIC_INVENTORY_REJECTED,
                    Map.of(
                            FleetEvents.PROPERTY_MQTT_TOPIC,
                            topic,
                            FleetEvents.PROPERTY_ERROR,
                            "not a gateway id: " + gatewayId));
            return;
        }
        if (InventoryPublisher.TYPE_LOG.equals(type)) {
            gate.submit(payload.length, () -> collector.log(topic, gatewayId, payload));
        } else if (GatewayEnvelope.TYPE_ESCROW.equals(type)) {
            gate.submit(payload.length, () -> collector.escrow(topic, gatewayId, payload));
        }
    }

    /** Serves the gateways whose first entries another instance sharing the database accepted; on the collector's thread. */
    public void serveNewGateways() {
        executor.execute(collector::serveNewGateways);
    }

    /** An accepted COMPROMISED_GATEWAY ticket: the gateway's recorded state is frozen from now on. */
    public void compromised(String gatewayId) {
        executor.execute(() -> collector.compromised(gatewayId));
    }

    /** Closes the database; call after the component's thread stopped. */
    @Override
    public void close() {
        database.close();
    }
}
