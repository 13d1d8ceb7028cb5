package io.keywarden.acme.internal.config;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;

/** The gateway enrollment configuration, parsed and checked once; every error names its property. */
public final class GatewayOptions {
    public static final String PID = "io.keywarden.acme.gateway";

    public static final String KEY_DIRECTORY_URL = "acme.directory.url";
    public static final String KEY_TRUST_ANCHOR = "acme.trust.anchor";
    public static final String KEY_CONTACT_EMAIL = "acme.contact.email";
    public static final String KEY_EAB_KID = "acme.eab.kid";
    public static final String KEY_EAB_HMAC = "acme.eab.hmac.key";
    public static final String KEY_DNS_NAME = "gateway.dns.name";
    public static final String KEY_KEY_TYPE = "gateway.key.type";
    public static final String KEY_KEY_SOURCE = "gateway.key.source";
    public static final String KEY_HTTP01_PORT = "http01.port";
    public static final String KEY_HTTP01_BIND = "http01.bind.address";
    public static final String KEY_HTTP01_MODE = "http01.mode";
    public static final String KEY_RENEWAL_THRESHOLD = "renewal.threshold";
    public static final String KEY_RENEWAL_JITTER = "renewal.jitter";
    public static final String KEY_CONCURRENCY = "enrollment.concurrency";
    public static final String KEY_RETRY_INITIAL = "retry.initial.seconds";
    public static final String KEY_RETRY_MAX = "retry.max.seconds";
    public static final String KEY_ORDER_TIMEOUT = "order.timeout.seconds";
    public static final String KEY_REQUEST_TIMEOUT = "acme.request.timeout.seconds";
    public static final String KEY_DATA_DIR = "data.dir";
    public static final String KEY_ESCROW_AUTHORITY_KEY = "escrow.authority.key";
    public static final String KEY_ESCROW_DEPOSIT_DIR = "escrow.deposit.dir";

    public static final int DEFAULT_HTTP01_PORT = 80;
    public static final String DEFAULT_HTTP01_BIND = "0.0.0.0";
    /** The embedded responder on its own port. */
    public static final String HTTP01_MODE_STANDALONE = "standalone";
    /** A servlet on the framework's OSGi HTTP Whiteboard (Kura's HTTP service). */
    public static final String HTTP01_MODE_WHITEBOARD = "whiteboard";

    public static final double DEFAULT_RENEWAL_THRESHOLD = 0.3333;
    public static final double DEFAULT_RENEWAL_JITTER = 0.05;
    public static final int DEFAULT_CONCURRENCY = 8;
    public static final int DEFAULT_RETRY_INITIAL = 2;
    public static final int DEFAULT_RETRY_MAX = 300;
    public static final int DEFAULT_ORDER_TIMEOUT = 120;
    public static final int DEFAULT_REQUEST_TIMEOUT = 30;

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+=*");

    private final URI directoryUrl;
    private final List<X509Certificate> trustAnchors;
    private final String contactEmail;
    private final String eabKid;
    private final String eabHmacKey;
    private final String dnsName;
    private final KeyType keyType;
    private final KeySource keySource;
    private final int http01Port;
    private final String http01BindAddress;
    private final String http01Mode;
    private final ChallengeSelection challengeSelection;
    private final Dns01Options dns01;
    private final double renewalThreshold;
    private final double renewalJitter;
    private final int concurrency;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Duration orderTimeout;
    private final Duration requestTimeout;
    private final Path dataDir;
    private final PublicKey escrowAuthorityKey;
    private final Path escrowDepositDir;

    private GatewayOptions(Map<String, ?> properties, Path defaultDataDir) throws InvalidConfigurationException {
        ConfigValues p = new ConfigValues(properties);
        this.directoryUrl = CaEndpoint.directoryUrl(p.required(KEY_DIRECTORY_URL));
        this.trustAnchors = CaEndpoint.trustAnchors(p.required(KEY_TRUST_ANCHOR));
        this.contactEmail = p.string(KEY_CONTACT_EMAIL).orElse(null);
        if (contactEmail != null && !contactEmail.matches("[^@\\s]+@[^@\\s]+")) {
            throw new InvalidConfigurationException(KEY_CONTACT_EMAIL, "not an e-mail address: " + contactEmail);
        }
        this.eabKid = p.string(KEY_EAB_KID).orElse(null);
        this.eabHmacKey = p.string(KEY_EAB_HMAC).orElse(null);
        if ((eabKid == null) != (eabHmacKey == null)) {
            throw new InvalidConfigurationException(
                    eabKid == null ? KEY_EAB_KID : KEY_EAB_HMAC,
                    "External Account Binding needs both " + KEY_EAB_KID + " and " + KEY_EAB_HMAC);
        }
        if (eabHmacKey != null && !BASE64URL.matcher(eabHmacKey).matches()) {
            throw new InvalidConfigurationException(KEY_EAB_HMAC, "not base64url");
        }
        String name = p.required(KEY_DNS_NAME).toLowerCase(Locale.ROOT);
        if (!DNS_NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException(KEY_DNS_NAME, "not a DNS name: " + name);
        }
        this.dnsName = name;
        this.keyType = parseKeyType(p.string(KEY_KEY_TYPE).orElse(KeyType.EC_P256.name()));
        this.keySource = parseKeySource(p.string(KEY_KEY_SOURCE).orElse(KeySource.GENERATED.name()));
        this.http01Port = p.integer(KEY_HTTP01_PORT, DEFAULT_HTTP01_PORT, 1, 65535);
        this.http01BindAddress = p.string(KEY_HTTP01_BIND).orElse(DEFAULT_HTTP01_BIND);
        this.http01Mode = parseHttp01Mode(p.string(KEY_HTTP01_MODE).orElse(HTTP01_MODE_STANDALONE));
        this.challengeSelection = ChallengeSelection.parse(
                p.string(ChallengeSelection.KEY_TYPE).orElse(null),
                p.string(ChallengeSelection.KEY_OVERRIDES).orElse(null));
        this.dns01 = parseDns01(properties, challengeSelection);
        this.renewalThreshold = p.decimal(KEY_RENEWAL_THRESHOLD, DEFAULT_RENEWAL_THRESHOLD, 0.01, 0.99);
        this.renewalJitter = p.decimal(KEY_RENEWAL_JITTER, DEFAULT_RENEWAL_JITTER, 0.0, 0.5);
        this.concurrency = p.integer(KEY_CONCURRENCY, DEFAULT_CONCURRENCY, 1, 256);
        this.retryInitial = Duration.ofSeconds(p.integer(KEY_RETRY_INITIAL, DEFAULT_RETRY_INITIAL, 1, 86400));
        this.retryMax = Duration.ofSeconds(p.integer(KEY_RETRY_MAX, DEFAULT_RETRY_MAX, 1, 86400));
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new InvalidConfigurationException(KEY_RETRY_MAX, "must not be below " + KEY_RETRY_INITIAL);
        }
        this.orderTimeout = Duration.ofSeconds(p.integer(KEY_ORDER_TIMEOUT, DEFAULT_ORDER_TIMEOUT, 5, 86400));
        this.requestTimeout = Duration.ofSeconds(p.integer(KEY_REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, 1, 600));
        Optional<String> dir = p.string(KEY_DATA_DIR);
        if (dir.isEmpty() && defaultDataDir == null) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "required: the framework offers no bundle data area");
        }
        try {
            this.dataDir = dir.map(Paths::get).orElse(defaultDataDir).toAbsolutePath();
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException(KEY_DATA_DIR, "not a path: " + e.getMessage());
        }
        Optional<String> escrowKey = p.string(KEY_ESCROW_AUTHORITY_KEY);
        Optional<String> depositDir = p.string(KEY_ESCROW_DEPOSIT_DIR);
        if (escrowKey.isPresent() != depositDir.isPresent()) {
            throw new InvalidConfigurationException(
                    escrowKey.isPresent() ? KEY_ESCROW_DEPOSIT_DIR : KEY_ESCROW_AUTHORITY_KEY,
                    "escrow needs both " + KEY_ESCROW_AUTHORITY_KEY + " and " + KEY_ESCROW_DEPOSIT_DIR);
        }
        this.escrowAuthorityKey =
                escrowKey.isPresent() ? EscrowKeys.parsePublicKey(KEY_ESCROW_AUTHORITY_KEY, escrowKey.get()) : null;
        try {
            this.escrowDepositDir =
                    depositDir.map(d -> Paths.get(d).toAbsolutePath()).orElse(null);
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException(KEY_ESCROW_DEPOSIT_DIR, "not a path: " + e.getMessage());
        }
    }

    /**
     * Parses a configuration map.
     *
     * @param defaultDataDir used when {@value #KEY_DATA_DIR} is empty (the bundle data area), may be null
     */
    public static GatewayOptions parse(Map<String, ?> properties, Path defaultDataDir)
            throws InvalidConfigurationException {
        return new GatewayOptions(properties, defaultDataDir);
    }

    private static String parseHttp01Mode(String value) throws InvalidConfigurationException {
        String mode = value.toLowerCase(Locale.ROOT);
        if (!mode.equals(HTTP01_MODE_STANDALONE) && !mode.equals(HTTP01_MODE_WHITEBOARD)) {
            throw new InvalidConfigurationException(
                    KEY_HTTP01_MODE, "unknown mode '" + value + "', expected standalone or whiteboard");
        }
        return mode;
    }

    /** The dns-01 settings, which must be there when the configuration itself picks dns-01 for some name. */
    private static Dns01Options parseDns01(Map<String, ?> p, ChallengeSelection selection)
            throws InvalidConfigurationException {
        Dns01Options d = Dns01Options.parse(p).orElse(null);
        if (d == null && selection.configuredTypes().contains(ChallengeTypes.DNS_01)) {
            throw new InvalidConfigurationException(
                    Dns01Options.KEY_SERVER,
                    "required: " + ChallengeSelection.KEY_TYPE + " or " + ChallengeSelection.KEY_OVERRIDES
                            + " picks dns-01");
        }
        return d;
    }

    private static KeyType parseKeyType(String value) throws InvalidConfigurationException {
        try {
            return KeyType.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    KEY_KEY_TYPE, "unknown key type '" + value + "', expected one of " + List.of(KeyType.values()));
        }
    }

    private static KeySource parseKeySource(String value) throws InvalidConfigurationException {
        try {
            return KeySource.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    KEY_KEY_SOURCE, "unknown key source '" + value + "', expected generated or external");
        }
    }

    public URI getDirectoryUrl() {
        return directoryUrl;
    }

    public List<X509Certificate> getTrustAnchors() {
        return trustAnchors;
    }

    public Optional<String> getContactEmail() {
        return Optional.ofNullable(contactEmail);
    }

    public Optional<String> getEabKid() {
        return Optional.ofNullable(eabKid);
    }

    public Optional<String> getEabHmacKey() {
        return Optional.ofNullable(eabHmacKey);
    }

    public String getDnsName() {
        return dnsName;
    }

    public KeyType getKeyType() {
        return keyType;
    }

    public KeySource getKeySource() {
        return keySource;
    }

    public int getHttp01Port() {
        return http01Port;
    }

    public String getHttp01BindAddress() {
        return http01BindAddress;
    }
    /** {@value #HTTP01_MODE_STANDALONE} or {@value #HTTP01_MODE_WHITEBOARD}. */
    public String getHttp01Mode() {
        return http01Mode;
    }
    /** Which challenge type each identifier uses. */
    public ChallengeSelection getChallengeSelection() {
        return challengeSelection;
    }
    /** The dns-01 settings, when {@value Dns01Options#KEY_SERVER} is set. */
    public Optional<Dns01Options> getDns01() {
        return Optional.ofNullable(dns01);
    }

    public double getRenewalThreshold() {
        return renewalThreshold;
    }

    public double getRenewalJitter() {
        return renewalJitter;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public Duration getRetryInitial() {
        return retryInitial;
    }

    public Duration getRetryMax() {
        return retryMax;
    }

    public Duration getOrderTimeout() {
        return orderTimeout;
    }

    /** One HTTP request to the CA, sent to answer; a request past it counts as a network failure and its connection is dropped. */
    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public Path getDataDir() {
        return dataDir;
    }
    /** The fleet authority's public key the account key is deposited encrypted to, when escrow is configured. */
    public Optional<PublicKey> getEscrowAuthorityKey() {
        return Optional.ofNullable(escrowAuthorityKey);
    }

    public Optional<Path> getEscrowDepositDir() {
        return Optional.ofNullable(escrowDepositDir);
    }

    /** The trust anchors' DER encodings, for equality (X509Certificate equality is by encoding too). */
    private List<String> anchorFingerprints() {
        List<String> out = new ArrayList<>();
        for (X509Certificate c : trustAnchors) {
            try {
                out.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateException e) {
                out.add(c.toString());
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof GatewayOptions)) {
            return false;
        }
        GatewayOptions other = (GatewayOptions) o;
        return directoryUrl.equals(other.directoryUrl)
                && anchorFingerprints().equals(other.anchorFingerprints())
                && Objects.equals(contactEmail, other.contactEmail)
                && Objects.equals(eabKid, other.eabKid)
                && Objects.equals(eabHmacKey, other.eabHmacKey)
                && dnsName.equals(other.dnsName)
                && keyType == other.keyType
                && keySource == other.keySource
                && http01Port == other.http01Port
                && http01BindAddress.equals(other.http01BindAddress)
                && http01Mode.equals(other.http01Mode)
                && challengeSelection.equals(other.challengeSelection)
                && Objects.equals(dns01, other.dns01)
                && renewalThreshold == other.renewalThreshold
                && renewalJitter == other.renewalJitter
                && concurrency == other.concurrency
                && retryInitial.equals(other.retryInitial)
                && retryMax.equals(other.retryMax)
                && orderTimeout.equals(other.orderTimeout)
                && requestTimeout.equals(other.requestTimeout)
                && dataDir.equals(other.dataDir)
                && Objects.equals(escrowAuthorityKey, other.escrowAuthorityKey)
                && Objects.equals(escrowDepositDir, other.escrowDepositDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directoryUrl, dnsName, http01Port, dataDir);
    }
}
