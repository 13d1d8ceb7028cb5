package io.keywarden.fleet.internal.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        id = FleetOptions.PID,
        name = "Keywarden fleet revocation notices",
        description = "Signed revocation notices over MQTT. The fleet authority publishes one the moment it accepts a "
                + "revocation; every gateway that trusts the authority's key denies the named certificates at once.")
public @interface FleetConfig {

    @AttributeDefinition(
            name = "Transport",
            description = "How fleet messages travel. mqtt: this bundle's own MQTT "
                    + "connection to the broker below. kura-cloud: the gateway's Kura cloud connection (the Keywarden fleet "
                    + "cloud transport component's CloudPublisher and CloudSubscriber; no broker settings here). auto: mqtt "
                    + "when a broker URL is set, else kura-cloud",
            options = {
                @Option(label = "auto", value = "auto"),
                @Option(label = "mqtt", value = "mqtt"),
                @Option(label = "kura-cloud", value = "kura-cloud")
            })
    String fleet_transport() default "auto";

    @AttributeDefinition(
            name = "MQTT broker URL",
            description =
                    "tcp://host:1883 or ssl://host:8883; needed by the " + "mqtt transport, empty with kura-cloud",
            required = false)
    String mqtt_broker_url() default "";

    @AttributeDefinition(
            name = "MQTT client id",
            description = "Unique per node and broker; empty: keywarden-<fleet>-<random>")
    String mqtt_client_id() default "";

    @AttributeDefinition(name = "MQTT user name", description = "Empty: connect without credentials")
    String mqtt_username() default "";

    @AttributeDefinition(name = "MQTT password", type = AttributeType.PASSWORD)
    String mqtt_password() default "";

    @AttributeDefinition(
            name = "Broker trust anchor",
            description = "PEM file of the CA that signs the broker's TLS "
                    + "certificate (ssl:// only); empty: the JVM's default trust store")
    String mqtt_trust_anchor() default "";

    @AttributeDefinition(
            name = "Fleet id",
            description = "Notices go to keywarden/<fleet id>/revocation-notices/<ticket>")
    String fleet_id();

    @AttributeDefinition(
            name = "Apply notices",
            description = "Subscribe and deny the certificates named in verified notices")
    boolean notices_apply() default true;

    @AttributeDefinition(name = "Authority id", description = "Id of the fleet authority (the kid of its notices)")
    String authority_id() default "fleet-authority";

    @AttributeDefinition(
            name = "Authority public key",
            description = "PEM text or path of a PEM file (public key or "
                    + "certificate) that verifies notices; needed to apply them")
    String authority_public_key() default "";

    @AttributeDefinition(
            name = "Publish notices",
            description =
                    "This node is the fleet authority: sign and publish a " + "notice for every revocation it accepts")
    boolean notices_publish() default false;

    @AttributeDefinition(
            name = "Authority signing key file",
            description = "PKCS#8 PEM file of the authority's private " + "key (mode 600); needed to publish")
    String authority_signing_key_file() default "";

    @AttributeDefinition(
            name = "Data directory",
            description = "Applied notices and the outbox of unpublished ones; " + "empty: the bundle's data area")
    String data_dir() default "";

    @AttributeDefinition(
            name = "Publish the inventory",
            description = "This node is a gateway: keep its certificates as a "
                    + "hash-chained issuance log and publish what the authority has not acknowledged, and its escrow "
                    + "deposit, signed with its own ACME-issued key, to keywarden/<fleet id>/log/<gateway id> and "
                    + ".../escrow/<gateway id>")
    boolean inventory_publish() default false;

    @AttributeDefinition(
            name = "Collect inventories",
            description = "This node is the fleet authority: accept the "
                    + "gateways' signed issuance logs (only from each gateway's own undenied certificate, never after "
                    + "its COMPROMISED_GATEWAY ticket) and serve them to the revocation component")
    boolean inventory_collect() default false;

    @AttributeDefinition(
            name = "CA roots of gateway certificates",
            description = "PEM file of the CA root(s) that "
                    + "issue the gateways' certificates; needed to collect inventories")
    String inventory_ca_roots() default "";

    @AttributeDefinition(
            name = "Escrow deposit directory",
            description = "Gateway: where the ACME bundle writes its "
                    + "escrow deposit (published when it changes); authority: the revocation component's deposit directory, "
                    + "where accepted deposits are written. Empty: no escrow over MQTT")
    String escrow_deposit_dir() default "";

    @AttributeDefinition(
            name = "Issuance log database URL",
            description = "Authority (inventory.collect): JDBC URL of the database that keeps the gateways' issuance "
                    + "logs, jdbc:h2:file:... (embedded H2) or jdbc:postgresql://host:port/db (shared by several "
                    + "authority instances). Empty: an H2 file fleet.mv.db in the data directory (WRITE_DELAY=0)",
            required = false)
    String store_url() default "";

    @AttributeDefinition(name = "Issuance log database user", description = "Empty: none", required = false)
    String store_user() default "";

    @AttributeDefinition(name = "Issuance log database password", type = AttributeType.PASSWORD, required = false)
    String store_password() default "";

    @AttributeDefinition(
            name = "Authority share group",
            description = "Authority with several instances on one broker: the name of their MQTT shared "
                    + "subscription group. Each instance then subscribes to the gateways' issuance logs as "
                    + "$share/<group>/keywarden/<fleet id>/log/+ and .../escrow/+, so the broker gives each message to "
                    + "one instance only. Notices and acknowledgements are never shared. Empty: plain subscriptions "
                    + "(one instance)",
            required = false)
    String authority_share_group() default "";
}
