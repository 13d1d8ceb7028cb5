package io.keywarden.fleet.internal.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.keywarden.api.fleet.transport.FleetTransport;
import io.keywarden.fleet.internal.inventory.RecordCodec;
import io.keywarden.relyingparty.Notice;
import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.pem.Pem;

/** The component's configuration, parsed and checked once; every error names its property. */
public final class FleetOptions {
    public static final String PID = "io.keywarden.fleet";

    static final String KEY_TRANSPORT = "fleet.transport";
    static final String KEY_BROKER_URL = "mqtt.broker.url";
    static final String KEY_CLIENT_ID = "mqtt.client.id";
    static final String KEY_USERNAME = "mqtt.username";
    public static final String KEY_PASSWORD = "mqtt.password";
    static final String KEY_TRUST_ANCHOR = "mqtt.trust.anchor";
    static final String KEY_FLEET_ID = "fleet.id";
    static final String KEY_APPLY = "notices.apply";
    static final String KEY_AUTHORITY_ID = "authority.id";
    static final String KEY_AUTHORITY_PUBLIC_KEY = "authority.public.key";
    static final String KEY_PUBLISH = "notices.publish";
    static final String KEY_SIGNING_KEY_FILE = "authority.signing.key.file";
    static final String KEY_DATA_DIR = "data.dir";
    static final String KEY_INVENTORY_PUBLISH = "inventory.publish";
    static final String KEY_INVENTORY_COLLECT = "inventory.collect";
    static final String KEY_INVENTORY_CA_ROOTS = "inventory.ca.roots";
    static final String KEY_ESCROW_DEPOSIT_DIR = "escrow.deposit.dir";
    static final String KEY_SHARE_GROUP = "authority.share.group";

    static final String DEFAULT_AUTHORITY_ID = "fleet-authority";
    static final String TRANSPORT_AUTO = "auto";
    public static final String TRANSPORT_MQTT = "mqtt";

    /** How fleet messages travel. */
    public enum Transport {
        /** This bundle's own MQTT connection (embedded Paho) to {@code mqtt.broker.url}. */
        MQTT,
        /** A {@code FleetTransport} service of type {@code kura-cloud}: the gateway's Kura cloud connection. */
        KURA_CLOUD
    }

    /** MQTT topic levels may not hold wildcards or separators; keep ids to a safe alphabet. */
    private static final Pattern TOPIC_LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A gateway id becomes a topic level and a file name: a DNS name, never "." or "..". */
    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private final Transport transport;
    private final URI brokerUrl;
    private final String clientId;
    private final String username;
    private final char[] password;
    private final Path trustAnchor;
    private final String fleetId;
    private final String authorityId;
    private final PublicKey authorityKey;
    private final PrivateKey signingKey;
    private final Path dataDir;
    private final boolean inventoryPublish;
    private final Set<TrustAnchor> inventoryRoots;
    private final Path escrowDepositDir;
    private final String shareGroup;

    private FleetOptions(
            Transport transport,
            URI brokerUrl,
            String clientId,
            String username,
            char[] password,
            Path trustAnchor,
            String fleetId,
            String authorityId,
            PublicKey authorityKey,
            PrivateKey signingKey,
            Path dataDir,
            boolean inventoryPublish,
            Set<TrustAnchor> inventoryRoots,
            Path escrowDepositDir,
            String shareGroup) {
        this.transport = transport;
        this.brokerUrl = brokerUrl;
        this.clientId = clientId;
        this.username = username;
        this.password = password;
        this.trustAnchor = trustAnchor;
        this.fleetId = fleetId;
        this.authorityId = authorityId;
        this.authorityKey = authorityKey;
        this.signingKey = signingKey;
        this.dataDir = dataDir;
        this.inventoryPublish = inventoryPublish;
        this.inventoryRoots = inventoryRoots;
        this.escrowDepositDir = escrowDepositDir;
        this.shareGroup = shareGroup;
    }

    public static FleetOptions parse(Map<String, ?> properties, Path defaultDataDir)
            throws InvalidConfigurationException {
        ConfigValues props = new ConfigValues(properties);
        Transport transport = transport(props);
        URI broker = transport == Transport.MQTT ? MqttSettings.brokerUrl(props.required(KEY_BROKER_URL)) : null;
        String fleetId = topicLevel(KEY_FLEET_ID, props.required(KEY_FLEET_ID));
        String authorityId =
                topicLevel(KEY_AUTHORITY_ID, props.string(KEY_AUTHORITY_ID).orElse(DEFAULT_AUTHORITY_ID));
        String clientId = props.string(KEY_CLIENT_ID).orElse(null);
        if (clientId != null && clientId.length() > 64) {
            throw new InvalidConfigurationException(KEY_CLIENT_ID, "at most 64 characters");
        }
        Path trustAnchor = props.string(KEY_TRUST_ANCHOR).map(Path::of).orElse(null);
        if (trustAnchor != null && !Files.isReadable(trustAnchor)) {
            throw new InvalidConfigurationException(KEY_TRUST_ANCHOR, "cannot read " + trustAnchor);
        }
        PublicKey authorityKey = null;
        if (props.bool(KEY_APPLY, true)) {
            String pem = props.required(KEY_AUTHORITY_PUBLIC_KEY);
            try {
                authorityKey = Pem.publicKey(Pem.pemOrFile(pem));
                JwsKeys.algorithm(authorityKey);
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new InvalidConfigurationException(
                        KEY_AUTHORITY_PUBLIC_KEY, "not a usable public key or certificate: " + e.getMessage());
            }
        }
        PrivateKey signingKey = null;
        if (props.bool(KEY_PUBLISH, false)) {
            Path file = Path.of(props.required(KEY_SIGNING_KEY_FILE));
            try {
                signingKey = Pem.privateKey(Files.readString(file, StandardCharsets.US_ASCII));
                JwsKeys.algorithm(signingKey);
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new InvalidConfigurationException(
                        KEY_SIGNING_KEY_FILE, "not a usable PKCS#8 private key: " + e.getMessage());
            }
        }
        boolean inventoryPublish = props.bool(KEY_INVENTORY_PUBLISH, false);
        Set<TrustAnchor> roots = null;
        if (props.bool(KEY_INVENTORY_COLLECT, false)) {
            roots = roots(props.required(KEY_INVENTORY_CA_ROOTS));
        }
        Path escrowDir = props.string(KEY_ESCROW_DEPOSIT_DIR).map(Path::of).orElse(null);
        if (authorityKey == null && signingKey == null && !inventoryPublish && roots == null) {
            throw new InvalidConfigurationException(
                    KEY_APPLY, "neither applying nor publishing notices nor handling " + "inventories: nothing to do");
        }
        Path dataDir = props.string(KEY_DATA_DIR).map(Path::of).orElse(defaultDataDir);
        if (dataDir == null) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "required where the framework gives no data area");
        }
        if (transport == Transport.KURA_CLOUD && signingKey != null) {
            // Kura's cloud publishers send to one configured topic (raw MQTT) or to the device's own topics (Kura
            // protocol): neither gives each notice its own retained topic that every gateway subscribes to
            throw new InvalidConfigurationException(
                    KEY_TRANSPORT,
                    "kura-cloud carries a gateway's messages; a node that "
                            + "publishes notices (notices.publish) uses mqtt");
        }
        String shareGroup = shareGroup(props, transport, roots != null);
        if (clientId == null && transport == Transport.MQTT) {
            clientId = MqttSettings.storedClientId(dataDir, fleetId);
        }
        return new FleetOptions(
                transport,
                broker,
                clientId,
                props.string(KEY_USERNAME).orElse(null),
                props.string(KEY_PASSWORD).map(String::toCharArray).orElse(null),
                trustAnchor,
                fleetId,
                authorityId,
                authorityKey,
                signingKey,
                dataDir,
                inventoryPublish,
                roots,
                escrowDir,
                shareGroup);
    }

    /**
     * {@code mqtt}, {@code kura-cloud}, or {@code auto} (the default): MQTT when a broker URL is set, else the platform's
     * cloud connection, so a gateway on Kura needs no broker settings at all.
     */
    private static Transport transport(ConfigValues props) throws InvalidConfigurationException {
        String value = props.string(KEY_TRANSPORT).orElse(TRANSPORT_AUTO);
        switch (value) {
            case TRANSPORT_AUTO:
                return props.string(KEY_BROKER_URL).isPresent() ? Transport.MQTT : Transport.KURA_CLOUD;
            case TRANSPORT_MQTT:
                return Transport.MQTT;
            case FleetTransport.TYPE_KURA_CLOUD:
                return Transport.KURA_CLOUD;
            default:
                throw new InvalidConfigurationException(KEY_TRANSPORT, "auto, mqtt or kura-cloud expected: " + value);
        }
    }

    /** Empty (null): plain subscriptions. Only an MQTT authority that collects gateways' logs has work to share. */
    private static String shareGroup(ConfigValues props, Transport transport, boolean collects)
            throws InvalidConfigurationException {
        String group = props.string(KEY_SHARE_GROUP).orElse(null);
        if (group == null) {
            return null;
        }
        topicLevel(KEY_SHARE_GROUP, group);
        if (!collects) {
            throw new InvalidConfigurationException(
                    KEY_SHARE_GROUP, "only an authority that collects inventories (inventory.collect) shares work");
        }
        if (transport == Transport.KURA_CLOUD) {
            // Kura's raw subscriber owns its topic filter: a shared subscription is configured there, not here
            throw new InvalidConfigurationException(KEY_SHARE_GROUP, "needs the mqtt transport");
        }
        return group;
    }

    /** The CA roots gateways' certificates must chain to: every certificate in a PEM file (the CA's root). */
    private static Set<TrustAnchor> roots(String file) throws InvalidConfigurationException {
        try {
            List<X509Certificate> certs =
                    RecordCodec.certificates(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
            if (certs.isEmpty()) {
                throw new InvalidConfigurationException(KEY_INVENTORY_CA_ROOTS, "no certificate in " + file);
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            certs.forEach(c -> anchors.add(new TrustAnchor(c, null)));
            return Set.copyOf(anchors);
        } catch (IOException | GeneralSecurityException | InvalidPathException e) {
            throw new InvalidConfigurationException(
                    KEY_INVENTORY_CA_ROOTS, "cannot read CA roots from " + file + ": " + e.getMessage());
        }
    }

    /** Whether a topic's last level can be a gateway id (and so a file name). */
    public static boolean isGatewayId(String s) {
        return GATEWAY_ID.matcher(s).matches();
    }

    /**
     * The broker keeps a persistent session (and the notices published while this node was away) per client id, so
     * the generated id is kept in the data directory and survives restarts.
     */
    private static String topicLevel(String key, String value) throws InvalidConfigurationException {
        if (!TOPIC_LEVEL.matcher(value).matches()) {
            throw new InvalidConfigurationException(
                    key, "use 1-64 of A-Z a-z 0-9 . _ - (it becomes an MQTT topic level): " + value);
        }
        return value;
    }

    public Transport getTransport() {
        return transport;
    }

    /** Null unless the transport is {@link Transport#MQTT}. */
    public URI getBrokerUrl() {
        return brokerUrl;
    }

    public String getClientId() {
        return clientId;
    }

    public Optional<String> getUsername() {
        return Optional.ofNullable(username);
    }

    public Optional<char[]> getPassword() {
        return Optional.ofNullable(password).map(char[]::clone);
    }

    public Optional<Path> getTrustAnchor() {
        return Optional.ofNullable(trustAnchor);
    }

    String getFleetId() {
        return fleetId;
    }

    public String getAuthorityId() {
        return authorityId;
    }

    /** Present when this node applies notices. */
    public Optional<PublicKey> getAuthorityKey() {
        return Optional.ofNullable(authorityKey);
    }

    /** Present when this node publishes notices. */
    public Optional<PrivateKey> getSigningKey() {
        return Optional.ofNullable(signingKey);
    }

    public Path getDataDir() {
        return dataDir;
    }

    /** This node publishes its signed inventory and escrow deposit (it is a gateway). */
    public boolean isInventoryPublish() {
        return inventoryPublish;
    }

    /** This node collects gateways' inventories (it is the fleet authority). */
    public boolean isInventoryCollect() {
        return inventoryRoots != null;
    }

    /** The CA roots a gateway's signing certificate must chain to; empty set unless collecting. */
    public Set<TrustAnchor> getInventoryRoots() {
        return inventoryRoots == null ? Set.of() : inventoryRoots;
    }

    /** Gateway: where the ACME bundle writes the escrow deposit; authority: where the revocation component reads it. */
    public Optional<Path> getEscrowDepositDir() {
        return Optional.ofNullable(escrowDepositDir);
    }

    /** {@code keywarden/<fleet>/<type>/<gateway>}, type {@code inventory} or {@code escrow}. */
    public String gatewayTopic(String type, String gatewayId) {
        return "keywarden/" + fleetId + "/" + type + "/" + gatewayId;
    }

    /** A stream of work: {@code $share/<group>/<filter>} with a share group (each message to one instance). */
    public String workFilter(String filter) {
        return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
    }

    /** Whether this authority instance is one of a share group ({@code authority.share.group}). */
    public boolean isShared() {
        return shareGroup != null;
    }

    /** The filter gateways subscribe to. */
    public String subscriptionFilter() {
        return topicPrefix() + "+";
    }

    public String topicFor(String ticketId) {
        return topicPrefix() + Notice.topicSafe(ticketId);
    }

    private String topicPrefix() {
        return "keywarden/" + fleetId + "/revocation-notices/";
    }

    @Override
    public String toString() {
        return "FleetOptions[" + (transport == Transport.MQTT ? brokerUrl : FleetTransport.TYPE_KURA_CLOUD) + ", fleet "
                + fleetId + ", authority " + authorityId
                + (authorityKey != null ? ", applies" : "") + (signingKey != null ? ", publishes" : "")
                + (inventoryPublish ? ", publishes its inventory" : "")
                + (inventoryRoots != null ? ", collects inventories" : "")
                + (shareGroup != null ? ", share group " + shareGroup : "")
                + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FleetOptions f
                && f.transport == transport
                && Objects.equals(f.brokerUrl, brokerUrl)
                && f.fleetId.equals(fleetId)
                && f.authorityId.equals(authorityId)
                && Objects.equals(f.authorityKey, authorityKey)
                && Objects.equals(f.signingKey, signingKey)
                && f.dataDir.equals(dataDir)
                && f.inventoryPublish == inventoryPublish
                && Objects.equals(f.inventoryRoots, inventoryRoots)
                && Objects.equals(f.escrowDepositDir, escrowDepositDir)
                && Objects.equals(f.shareGroup, shareGroup);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transport, brokerUrl, fleetId, authorityId, dataDir);
    }
}
