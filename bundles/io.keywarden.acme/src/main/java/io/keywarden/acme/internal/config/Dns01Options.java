package io.keywarden.acme.internal.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;

/**
 * The dns-01 settings of a gateway: the primary server that takes RFC 2136 updates, the TSIG key that signs them,
 * and how long to wait until the record is visible. Parsed once; every error names its property, never the secret.
 */
public final class Dns01Options {
    public static final String KEY_SERVER = "dns01.server";
    public static final String KEY_ZONE = "dns01.zone";
    public static final String KEY_RESOLVER = "dns01.resolver";
    public static final String KEY_TSIG_KEY_NAME = "dns01.tsig.key.name";
    public static final String KEY_TSIG_ALGORITHM = "dns01.tsig.algorithm";
    public static final String KEY_TSIG_SECRET = "dns01.tsig.secret";
    public static final String KEY_PROPAGATION_CHECK = "dns01.propagation.check";
    public static final String KEY_PROPAGATION_SERVERS = "dns01.propagation.servers";
    public static final String KEY_PROPAGATION_TIMEOUT = "dns01.propagation.timeout.seconds";

    public static final String DEFAULT_TSIG_ALGORITHM = "hmac-sha256";
    public static final List<String> TSIG_ALGORITHMS =
            List.of("hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");
    public static final int DEFAULT_PROPAGATION_TIMEOUT = 120;
    public static final int DNS_PORT = 53;

    private static final Pattern HOST_PORT =
            Pattern.compile("(?:\\[([0-9a-fA-F:.]+)\\]|([^:\\[\\]\\s]+))(?::(\\d{1,5}))?");
    private static final Pattern DNS_NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9])?" + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?");

    private final InetSocketAddress server;
    private final String zone;
    private final InetSocketAddress resolver;
    private final String tsigKeyName;
    private final String tsigAlgorithm;
    private final byte[] tsigSecret;
    private final boolean propagationCheck;
    private final List<InetSocketAddress> propagationServers;
    private final Duration propagationTimeout;

    private Dns01Options(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigValues p = new ConfigValues(properties);
        server = hostPort(
                KEY_SERVER,
                p.string(KEY_SERVER)
                        .orElseThrow(() -> new InvalidConfigurationException(
                                KEY_SERVER,
                                "required for dns-01 (host:port of the primary "
                                        + "DNS server that accepts dynamic updates)")));
        Optional<String> z = p.string(KEY_ZONE);
        zone = z.isPresent() ? dnsName(KEY_ZONE, z.get()) : null;
        Optional<String> r = p.string(KEY_RESOLVER);
        resolver = r.isPresent() ? hostPort(KEY_RESOLVER, r.get()) : server;
        tsigKeyName = dnsName(
                KEY_TSIG_KEY_NAME,
                p.string(KEY_TSIG_KEY_NAME)
                        .orElseThrow(
                                () -> new InvalidConfigurationException(KEY_TSIG_KEY_NAME, "required for dns-01")));
        String alg = p.string(KEY_TSIG_ALGORITHM).orElse(DEFAULT_TSIG_ALGORITHM).toLowerCase(Locale.ROOT);
        if (!TSIG_ALGORITHMS.contains(alg)) {
            throw new InvalidConfigurationException(
                    KEY_TSIG_ALGORITHM, "unknown TSIG algorithm '" + alg + "', expected one of " + TSIG_ALGORITHMS);
        }
        tsigAlgorithm = alg;
        String secret = p.string(KEY_TSIG_SECRET)
                .orElseThrow(() -> new InvalidConfigurationException(KEY_TSIG_SECRET, "required for dns-01"));
        try {
            tsigSecret = Base64.getDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
            // the value itself is secret: say what is wrong with it, never what it is
            throw new InvalidConfigurationException(KEY_TSIG_SECRET, "not base64 (as tsig-keygen writes it)");
        }
        if (tsigSecret.length < 16) {
            throw new InvalidConfigurationException(KEY_TSIG_SECRET, "shorter than 16 bytes: not a usable TSIG secret");
        }
        propagationCheck = p.bool(KEY_PROPAGATION_CHECK, true);
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String s : p.string(KEY_PROPAGATION_SERVERS).orElse("").split(",")) {
            if (!s.isBlank()) {
                servers.add(hostPort(KEY_PROPAGATION_SERVERS, s.trim()));
            }
        }
        propagationServers = List.copyOf(servers);
        propagationTimeout =
                Duration.ofSeconds(p.integer(KEY_PROPAGATION_TIMEOUT, DEFAULT_PROPAGATION_TIMEOUT, 1, 3600));
    }

    /** The dns-01 settings, or empty when {@value #KEY_SERVER} is not set. */
    public static Optional<Dns01Options> parse(Map<String, ?> properties) throws InvalidConfigurationException {
        if (new ConfigValues(properties).string(KEY_SERVER).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Dns01Options(properties));
    }

    static InetSocketAddress hostPort(String key, String value) throws InvalidConfigurationException {
        Matcher m = HOST_PORT.matcher(value.trim());
        if (!m.matches()) {
            throw new InvalidConfigurationException(key, "'" + value + "' is not host[:port]");
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        int port = m.group(3) == null ? DNS_PORT : Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            throw new InvalidConfigurationException(key, "port " + port + " is outside 1..65535");
        }
        // resolved when used: a name that does not resolve yet must not stop the configuration
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static String dnsName(String key, String value) throws InvalidConfigurationException {
        if (!DNS_NAME.matcher(value).matches() || value.length() > 254) {
            throw new InvalidConfigurationException(key, "not a DNS name: '" + value + "'");
        }
        String v = value.toLowerCase(Locale.ROOT);
        return v.endsWith(".") ? v : v + ".";
    }

    /** The primary server that takes the updates. */
    public InetSocketAddress getServer() {
        return server;
    }
    /** The zone to update, absolute (trailing dot); empty: found by an SOA lookup. */
    public Optional<String> getZone() {
        return Optional.ofNullable(zone);
    }
    /** The server asked for CNAME, SOA and NS records (the update server unless set). */
    public InetSocketAddress getResolver() {
        return resolver;
    }
    /** The TSIG key's name, absolute. */
    public String getTsigKeyName() {
        return tsigKeyName;
    }

    public String getTsigAlgorithm() {
        return tsigAlgorithm;
    }

    public byte[] getTsigSecret() {
        return tsigSecret.clone();
    }

    public boolean isPropagationCheck() {
        return propagationCheck;
    }
    /** The servers that must all show the record; empty: every name server of the zone, on port 53. */
    public List<InetSocketAddress> getPropagationServers() {
        return propagationServers;
    }

    public Duration getPropagationTimeout() {
        return propagationTimeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dns01Options d
                && server.equals(d.server)
                && Objects.equals(zone, d.zone)
                && resolver.equals(d.resolver)
                && tsigKeyName.equals(d.tsigKeyName)
                && tsigAlgorithm.equals(d.tsigAlgorithm)
                && Arrays.equals(tsigSecret, d.tsigSecret)
                && propagationCheck == d.propagationCheck
                && propagationServers.equals(d.propagationServers)
                && propagationTimeout.equals(d.propagationTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(server, zone, tsigKeyName);
    }

    @Override
    public String toString() {
        return "dns-01 via " + server + " key " + tsigKeyName + " (" + tsigAlgorithm + ")";
    }
}
