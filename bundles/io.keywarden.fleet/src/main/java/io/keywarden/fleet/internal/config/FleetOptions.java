package io.keywarden.fleet.internal.config;

import io.keywarden.fleet.internal.Keys;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import io.keywarden.fleet.internal.AtomicFiles;
import io.keywarden.fleet.internal.inventory.RecordCodec;
import io.keywarden.relyingparty.Notice;

/** The component's configuration, parsed and checked once; every error names its property. */
public final class FleetOptions {
    public static final String PID = "io.keywarden.fleet";

    static final String KEY_BROKER_URL = "mqtt.broker.url";
    static final String KEY_CLIENT_ID = "mqtt.client.id";
    static final String KEY_USERNAME = "mqtt.username";
    static final String KEY_PASSWORD = "mqtt.password";
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

    static final String DEFAULT_AUTHORITY_ID = "fleet-authority";

    /** MQTT topic levels may not hold wildcards or separators; keep ids to a safe alphabet. */
    private static final Pattern TOPIC_LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A gateway id becomes a topic level and a file name: a DNS name, never "." or "..". */
    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

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

    private FleetOptions(URI brokerUrl, String clientId, String username, char[] password, Path trustAnchor,
            String fleetId, String authorityId, PublicKey authorityKey, PrivateKey signingKey, Path dataDir,
            boolean inventoryPublish, Set<TrustAnchor> inventoryRoots, Path escrowDepositDir) {
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
    }

    public static FleetOptions parse(Map<String, ?> props, Path defaultDataDir) throws InvalidConfigurationException {
        URI broker = brokerUrl(required(props, KEY_BROKER_URL));
        String fleetId = topicLevel(props, KEY_FLEET_ID, required(props, KEY_FLEET_ID));
        String authorityId = topicLevel(props, KEY_AUTHORITY_ID, string(props, KEY_AUTHORITY_ID).orElse(DEFAULT_AUTHORITY_ID));
        String clientId = string(props, KEY_CLIENT_ID).orElse(null);
        if (clientId != null && clientId.length() > 64) {
            throw new InvalidConfigurationException(KEY_CLIENT_ID, "at most 64 characters");
        }
        Path trustAnchor = string(props, KEY_TRUST_ANCHOR).map(Path::of).orElse(null);
        if (trustAnchor != null && !Files.isReadable(trustAnchor)) {
            throw new InvalidConfigurationException(KEY_TRUST_ANCHOR, "cannot read " + trustAnchor);
        }
        PublicKey authorityKey = null;
        if (bool(props, KEY_APPLY, true)) {
            String pem = required(props, KEY_AUTHORITY_PUBLIC_KEY);
            try {
                authorityKey = Keys.publicKey(pem);
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new InvalidConfigurationException(KEY_AUTHORITY_PUBLIC_KEY, "not a usable public key or certificate: " + e.getMessage());
            }
        }
        PrivateKey signingKey = null;
        if (bool(props, KEY_PUBLISH, false)) {
            Path file = Path.of(required(props, KEY_SIGNING_KEY_FILE));
            try {
                signingKey = Keys.privateKey(file);
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new InvalidConfigurationException(KEY_SIGNING_KEY_FILE, "not a usable PKCS#8 private key: " + e.getMessage());
            }
        }
        boolean inventoryPublish = bool(props, KEY_INVENTORY_PUBLISH, false);
        Set<TrustAnchor> roots = null;
        if (bool(props, KEY_INVENTORY_COLLECT, false)) {
            roots = roots(required(props, KEY_INVENTORY_CA_ROOTS));
        }
        Path escrowDir = string(props, KEY_ESCROW_DEPOSIT_DIR).map(Path::of).orElse(null);
        if (authorityKey == null && signingKey == null && !inventoryPublish && roots == null) {
            throw new InvalidConfigurationException(KEY_APPLY, "neither applying nor publishing notices nor handling "
                    + "inventories: nothing to do");
        }
        Path dataDir = string(props, KEY_DATA_DIR).map(Path::of).orElse(defaultDataDir);
        if (dataDir == null) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "required where the framework gives no data area");
        }
        if (clientId == null) {
            clientId = storedClientId(dataDir, fleetId);
        }
        return new FleetOptions(broker, clientId, string(props, KEY_USERNAME).orElse(null),
                string(props, KEY_PASSWORD).map(String::toCharArray).orElse(null), trustAnchor, fleetId, authorityId,
                authorityKey, signingKey, dataDir, inventoryPublish, roots, escrowDir);
    }

    /** The CA roots gateways' certificates must chain to: every certificate in a PEM file (the CA's root). */
    private static Set<TrustAnchor> roots(String file) throws InvalidConfigurationException {
        try {
            List<X509Certificate> certs = RecordCodec.certificates(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
            if (certs.isEmpty()) {
                throw new InvalidConfigurationException(KEY_INVENTORY_CA_ROOTS, "no certificate in " + file);
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            certs.forEach(c -> anchors.add(new TrustAnchor(c, null)));
            return Set.copyOf(anchors);
        } catch (IOException | GeneralSecurityException | java.nio.file.InvalidPathException e) {
            throw new InvalidConfigurationException(KEY_INVENTORY_CA_ROOTS, "cannot read CA roots from " + file + ": " + e.getMessage());
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
    private static String storedClientId(Path dataDir, String fleetId) throws InvalidConfigurationException {
        Path file = dataDir.resolve("mqtt-client-id");
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).trim();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            byte[] random = new byte[6];
            new java.security.SecureRandom().nextBytes(random);
            String id = "keywarden-" + fleetId + "-" + java.util.HexFormat.of().formatHex(random);
            id = id.length() > 64 ? id.substring(id.length() - 64) : id;
            AtomicFiles.write(file, id.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return id;
        } catch (IOException e) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "cannot keep the MQTT client id in " + file + ": " + e.getMessage());
        }
    }

    private static URI brokerUrl(String value) throws InvalidConfigurationException {
        try {
            URI uri = new URI(value);
            if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme())) {
                throw new InvalidConfigurationException(KEY_BROKER_URL, "scheme must be tcp or ssl: " + value);
            }
            if (uri.getHost() == null) {
                throw new InvalidConfigurationException(KEY_BROKER_URL, "no host in " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(KEY_BROKER_URL, "not a URL: " + value);
        }
    }

    private static String topicLevel(Map<String, ?> props, String key, String value) throws InvalidConfigurationException {
        if (!TOPIC_LEVEL.matcher(value).matches()) {
            throw new InvalidConfigurationException(key, "use 1-64 of A-Z a-z 0-9 . _ - (it becomes an MQTT topic level): " + value);
        }
        return value;
    }

    private static String required(Map<String, ?> props, String key) throws InvalidConfigurationException {
        return string(props, key).orElseThrow(() -> new InvalidConfigurationException(key, "required"));
    }

    private static Optional<String> string(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = v.toString().trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static boolean bool(Map<String, ?> props, String key, boolean fallback) throws InvalidConfigurationException {
        Object v = props.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new InvalidConfigurationException(key, "true or false expected: " + s);
    }

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
        return "FleetOptions[" + brokerUrl + ", fleet " + fleetId + ", authority " + authorityId
                + (authorityKey != null ? ", applies" : "") + (signingKey != null ? ", publishes" : "")
                + (inventoryPublish ? ", publishes its inventory" : "") + (inventoryRoots != null ? ", collects inventories" : "")
                + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FleetOptions f && f.brokerUrl.equals(brokerUrl) && f.fleetId.equals(fleetId)
                && f.authorityId.equals(authorityId) && Objects.equals(f.authorityKey, authorityKey)
                && Objects.equals(f.signingKey, signingKey) && f.dataDir.equals(dataDir)
                && f.inventoryPublish == inventoryPublish && Objects.equals(f.inventoryRoots, inventoryRoots)
                && Objects.equals(f.escrowDepositDir, escrowDepositDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(brokerUrl, fleetId, authorityId, dataDir);
    }
}
