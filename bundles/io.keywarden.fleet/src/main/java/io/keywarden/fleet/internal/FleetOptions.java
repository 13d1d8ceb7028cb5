package io.keywarden.fleet.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** The component's configuration, parsed and checked once; every error names its property. */
final class FleetOptions {
    static final String PID = "io.keywarden.fleet";

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

    static final String DEFAULT_AUTHORITY_ID = "fleet-authority";

    /** MQTT topic levels may not hold wildcards or separators; keep ids to a safe alphabet. */
    private static final Pattern TOPIC_LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

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

    private FleetOptions(URI brokerUrl, String clientId, String username, char[] password, Path trustAnchor,
            String fleetId, String authorityId, PublicKey authorityKey, PrivateKey signingKey, Path dataDir) {
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
    }

    static FleetOptions parse(Map<String, ?> props, Path defaultDataDir) throws InvalidConfigurationException {
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
        if (authorityKey == null && signingKey == null) {
            throw new InvalidConfigurationException(KEY_APPLY, "neither applying nor publishing notices: nothing to do");
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
                authorityKey, signingKey, dataDir);
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

    URI getBrokerUrl() {
        return brokerUrl;
    }

    String getClientId() {
        return clientId;
    }

    Optional<String> getUsername() {
        return Optional.ofNullable(username);
    }

    Optional<char[]> getPassword() {
        return Optional.ofNullable(password).map(char[]::clone);
    }

    Optional<Path> getTrustAnchor() {
        return Optional.ofNullable(trustAnchor);
    }

    String getFleetId() {
        return fleetId;
    }

    String getAuthorityId() {
        return authorityId;
    }

    /** Present when this node applies notices. */
    Optional<PublicKey> getAuthorityKey() {
        return Optional.ofNullable(authorityKey);
    }

    /** Present when this node publishes notices. */
    Optional<PrivateKey> getSigningKey() {
        return Optional.ofNullable(signingKey);
    }

    Path getDataDir() {
        return dataDir;
    }

    /** The filter gateways subscribe to. */
    String subscriptionFilter() {
        return topicPrefix() + "+";
    }

    String topicFor(String ticketId) {
        return topicPrefix() + Notice.topicSafe(ticketId);
    }

    private String topicPrefix() {
        return "keywarden/" + fleetId + "/revocation-notices/";
    }

    @Override
    public String toString() {
        return "FleetOptions[" + brokerUrl + ", fleet " + fleetId + ", authority " + authorityId
                + (authorityKey != null ? ", applies" : "") + (signingKey != null ? ", publishes" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FleetOptions f && f.brokerUrl.equals(brokerUrl) && f.fleetId.equals(fleetId)
                && f.authorityId.equals(authorityId) && Objects.equals(f.authorityKey, authorityKey)
                && Objects.equals(f.signingKey, signingKey) && f.dataDir.equals(dataDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(brokerUrl, fleetId, authorityId, dataDir);
    }
}
