package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.keywarden.testing.mqtt.MosquittoBroker;
import io.keywarden.testing.pebble.ChallTestSrv;

/**
 * Two nodes of a fleet on one machine, each a real runtime process: a gateway (with its sensors) and the fleet
 * authority, both enrolled at one Pebble with real http-01, talking only through one Mosquitto. The gateway
 * publishes its signed inventory and escrow deposit and applies notices; the authority collects inventories, takes
 * revocation requests in its inbox and publishes notices. The two http-01 responders share Pebble's validation port
 * on different loopback addresses (the mock DNS sends the authority's name to 127.0.0.2).
 */
final class FleetStage implements AutoCloseable {
    static final String FLEET = "demo-fleet";
    static final String AUTHORITY_ID = "fleet-authority";
    static final String AUTHORITY_HOST = "authority.fleet.keywarden.test";
    private static final String AUTHORITY_ADDRESS = "127.0.0.2";

    static final String FLEET_PID = "io.keywarden.fleet";

    final Path work;
    final ChallTestSrv dns;
    final LocalStage gateway;
    final MosquittoBroker broker;
    /** The first (often the only) instance of the fleet authority; the fields below are its paths. */
    final AuthorityNode authority;

    final Path authorityWork;
    final Path authorityEtc;
    final Path authorityData;
    final Path authorityRevocation;
    final Path authorityFleet;
    final Path authorityInbox;
    final Path authorityDeposits;
    final Path gatewayFleet;
    final Path gatewayDeposits;
    private final Path keys;
    private final KeyPair authorityKey;
    private final AuthorityStore store;
    private final List<AuthorityNode> moreAuthorities = new ArrayList<>();

    private FleetStage(Path work, ChallTestSrv dns, LocalStage gateway, MosquittoBroker broker, AuthorityStore store) {
        this.work = work;
        this.store = store;
        this.dns = dns;
        this.gateway = gateway;
        this.broker = broker;
        this.authority = new AuthorityNode("authority", AUTHORITY_HOST, AUTHORITY_ADDRESS, work.resolve("authority"));
        this.authorityWork = authority.work;
        this.authorityEtc = authority.etc;
        this.authorityData = authority.data;
        this.authorityRevocation = authority.revocation;
        this.authorityFleet = authority.fleet;
        this.authorityInbox = authority.inbox;
        this.authorityDeposits = authority.deposits;
        this.gatewayFleet = gateway.workDir.resolve("fleet");
        this.gatewayDeposits = gateway.workDir.resolve("escrow-deposits");
        this.keys = work.resolve("keys");
        try {
            this.authorityKey = ecKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Wipes {@code work}; starts the mock DNS, Pebble (real http-01) and Mosquitto. The authority keeps its state in
     * embedded H2.
     */
    static FleetStage start(Path work) {
        return start(work, AuthorityStore.h2());
    }

    /** As {@link #start(Path)}, the authority's state (its instances' revocation and fleet parts) in {@code store}. */
    static FleetStage start(Path work, AuthorityStore store) {
        Layout.wipe(work);
        ChallTestSrv dns = ChallTestSrv.start(work.resolve("dns"));
        LocalStage gateway = null;
        MosquittoBroker broker = null;
        try {
            MockDns.addA(dns, AUTHORITY_HOST, AUTHORITY_ADDRESS);
            gateway = LocalStage.start(work.resolve("gateway"), b -> b.sharedDns(dns));
            broker = MosquittoBroker.start(work.resolve("mqtt"));
            return new FleetStage(work, dns, gateway, broker, store);
        } catch (RuntimeException e) {
            if (gateway != null) {
                gateway.close();
            }
            dns.close();
            throw e;
        }
    }

    /** The gateway's ACME configuration with escrow to the authority, its sensors, and its fleet configuration. */
    void configureGateway(String gatewayId, List<ConfigFiles.Sensor> sensors) {
        try {
            writeKeys();
        } catch (IOException | GeneralSecurityException e) {
            throw new DemoException("cannot write the fleet's keys: " + e);
        }
        Map<String, String> g = gateway.gatewayConfig(gatewayId, 4);
        g.put(
                "escrow.authority.key",
                keys.resolve("escrow-public.pem").toAbsolutePath().toString());
        g.put("escrow.deposit.dir", gatewayDeposits.toAbsolutePath().toString());
        ConfigFiles.writeGateway(gateway.etc, g);
        for (ConfigFiles.Sensor s : sensors) {
            ConfigFiles.writeSensor(gateway.etc, s.id(), s);
        }
        Map<String, String> f = fleetConfig(gatewayFleet);
        f.put("notices.apply", "true");
        f.put(
                "authority.public.key",
                keys.resolve("authority-public.pem").toAbsolutePath().toString());
        f.put("inventory.publish", "true");
        f.put("escrow.deposit.dir", gatewayDeposits.toAbsolutePath().toString());
        ConfigFiles.write(gateway.etc.resolve(FLEET_PID + ".cfg"), f, "Keywarden fleet (gateway)");
    }

    /** The authority's signing key pair and escrow key pair (private halves mode 600) and the CA root, as files. */
    private void writeKeys() throws IOException, GeneralSecurityException {
        KeyPair escrow = ecKeyPair();
        secret(
                keys.resolve("escrow-private.pem"),
                RevocationStage.pem("PRIVATE KEY", escrow.getPrivate().getEncoded()));
        Files.writeString(
                keys.resolve("escrow-public.pem"),
                RevocationStage.pem("PUBLIC KEY", escrow.getPublic().getEncoded()));
        secret(
                keys.resolve("authority-private.pem"),
                RevocationStage.pem("PRIVATE KEY", authorityKey.getPrivate().getEncoded()));
        Files.writeString(
                keys.resolve("authority-public.pem"),
                RevocationStage.pem("PUBLIC KEY", authorityKey.getPublic().getEncoded()));
        Files.writeString(keys.resolve("ca-roots.pem"), gateway.pebble.rootCertificatePem());
    }

    /** The authority's own ACME identity, its revocation policy (escrow key, inbox), its authority and fleet role. */
    void configureAuthority() {
        configureAuthority(0);
    }

    /** As {@link #configureAuthority()}, with {@code ca.parallel} set when {@code caParallel} is positive. */
    void configureAuthority(int caParallel) {
        configureAuthority(caParallel > 0 ? Map.of("ca.parallel", Integer.toString(caParallel)) : Map.of(), Map.of());
    }

    /**
     * As {@link #configureAuthority()}, with further properties of the revocation policy (e.g. a shared database)
     * and of the fleet component (e.g. {@code authority.share.group}).
     */
    void configureAuthority(Map<String, String> policyExtra, Map<String, String> fleetExtra) {
        configure(authority, policyExtra, fleetExtra);
    }

    /** Another authority instance ({@code <name>.fleet.keywarden.test} on 127.0.0.<3+n>), configured, not started. */
    synchronized AuthorityNode addAuthority(
            String name, Map<String, String> policyExtra, Map<String, String> fleetExtra) {
        String address = "127.0.0." + (3 + moreAuthorities.size());
        AuthorityNode node = new AuthorityNode(name, name + ".fleet.keywarden.test", address, work.resolve(name));
        MockDns.addA(dns, node.host, address);
        configure(node, policyExtra, fleetExtra);
        moreAuthorities.add(node);
        return node;
    }

    private void configure(AuthorityNode node, Map<String, String> policyExtra, Map<String, String> fleetExtra) {
        Map<String, String> g = new LinkedHashMap<>(gateway.gatewayConfig(node.host, 2));
        g.put(ConfigFiles.HTTP01_BIND, node.address);
        g.put(ConfigFiles.DATA_DIR, node.data.toAbsolutePath().toString());
        ConfigFiles.writeGateway(node.etc, g);

        Map<String, String> policy = new LinkedHashMap<>();
        policy.put("routes", "CUSTODIAN_ACCOUNT,ESCROWED_ACCOUNT_KEY");
        policy.put("retry.initial.millis", "200");
        policy.put("retry.max.seconds", "2");
        policy.put("data.dir", node.revocation.toAbsolutePath().toString());
        policy.putAll(store.revocationProperties(node));
        policy.put("inbox.dir", node.inbox.toAbsolutePath().toString());
        policy.put(
                "escrow.private.key",
                keys.resolve("escrow-private.pem").toAbsolutePath().toString());
        policy.put("escrow.deposit.dir", node.deposits.toAbsolutePath().toString());
        policy.putAll(policyExtra);
        ConfigFiles.write(node.etc.resolve(RevocationStage.POLICY_PID + ".cfg"), policy, "Keywarden revocation policy");

        Map<String, String> authorityConfig = new LinkedHashMap<>();
        authorityConfig.put("authority.id", AUTHORITY_ID);
        authorityConfig.put("authority.role", "fleet-authority");
        authorityConfig.put(
                "authority.key",
                keys.resolve("authority-public.pem").toAbsolutePath().toString());
        ConfigFiles.write(
                node.etc.resolve(RevocationStage.AUTHORITY_FACTORY_PID + "-fleet.cfg"),
                authorityConfig,
                "Keywarden revocation authority");

        Map<String, String> f = fleetConfig(node.fleet);
        f.put("notices.apply", "false");
        f.put("notices.publish", "true");
        f.put(
                "authority.signing.key.file",
                keys.resolve("authority-private.pem").toAbsolutePath().toString());
        f.put("inventory.collect", "true");
        f.put(
                "inventory.ca.roots",
                keys.resolve("ca-roots.pem").toAbsolutePath().toString());
        f.put("escrow.deposit.dir", node.deposits.toAbsolutePath().toString());
        f.putAll(store.fleetProperties(node));
        f.putAll(fleetExtra);
        ConfigFiles.write(node.etc.resolve(FLEET_PID + ".cfg"), f, "Keywarden fleet (authority)");
    }

    private Map<String, String> fleetConfig(Path dataDir) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("mqtt.broker.url", broker.url());
        f.put("fleet.id", FLEET);
        f.put("authority.id", AUTHORITY_ID);
        f.put("data.dir", dataDir.toAbsolutePath().toString());
        return f;
    }

    /** The authority's public key (PEM) that gateways verify notices with; written by {@link #configureGateway}. */
    Path authorityPublicKey() {
        return keys.resolve("authority-public.pem");
    }

    RuntimeProcess startGateway(Path runtimeJar) {
        return gateway.startRuntimeWithConsole(runtimeJar, List.of());
    }

    RuntimeProcess startAuthority(Path runtimeJar) {
        return authority.start(runtimeJar);
    }

    /** The fleet authority's request to treat a gateway as compromised, signed now with a fresh nonce. */
    String signCompromisedGateway(String gatewayId, int reason) {
        return signRequest("COMPROMISED_GATEWAY", gatewayId, reason);
    }

    /** A request of the fleet authority ({@code kind} e.g. {@code CERTIFICATE}), signed now with a fresh nonce. */
    String signRequest(String kind, String value, int reason) {
        return RevocationInbox.sign(authorityKey.getPrivate(), AUTHORITY_ID, kind, value, reason);
    }

    /** Drops a signed request into the authority's inbox. */
    void deliver(String name, String signedRequest) {
        new RevocationInbox(authorityInbox).deliver(name, signedRequest);
    }

    Optional<Map<String, Object>> result(String name) {
        return new RevocationInbox(authorityInbox).result(name);
    }

    /** The serials the gateway's fleet-notices deny list holds (its file on disk). */
    Set<String> deniedAtGateway() {
        Path f = gatewayFleet.resolve("applied-notices.properties");
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Set.of();
        }
        return p.stringPropertyNames();
    }

    /** The payloads of the gateway's issuance log entries the authority accepted and stored, in order. */
    List<Map<String, Object>> storedLog(String gatewayId) {
        Jdbc db = fleetDb();
        return StoredLog.entries(db.url(), db.user(), db.password(), gatewayId);
    }

    /** The signed entries of the gateway's log as the authority stored them, in order. */
    List<String> storedMessages(String gatewayId) {
        Jdbc db = fleetDb();
        return StoredLog.messages(db.url(), db.user(), db.password(), gatewayId);
    }

    /** The serials of the gateway's certificates as the authority's stored log records them. */
    Set<String> storedSerials(String gatewayId) {
        Jdbc db = fleetDb();
        return StoredLog.serials(db.url(), db.user(), db.password(), gatewayId);
    }

    /** Where the authority keeps its state. */
    AuthorityStore store() {
        return store;
    }

    /** The (first) authority instance's revocation database: tickets, deny list, escrow deposits. */
    Jdbc revocationDb() {
        return store.revocation(authority);
    }

    /** The (first) authority instance's fleet database: the gateways' issuance logs, the frozen gateways. */
    Jdbc fleetDb() {
        return store.fleet(authority);
    }

    String storeUrl() {
        return storeUrl(authority);
    }

    /**
     * An authority instance's own issuance log database (unless its fleet configuration names a shared one): H2 in its
     * fleet data directory, opened with {@code AUTO_SERVER=TRUE} so the demo and its tests can read it meanwhile.
     */
    static String storeUrl(AuthorityNode node) {
        return "jdbc:h2:file:" + node.fleet.resolve("fleet").toAbsolutePath() + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
    }

    /** See {@link CompromiseRun#run}. */
    CompromiseOutcome compromise(String gatewayId, int reason, Set<String> serials, long timeoutMillis) {
        return CompromiseRun.run(this, gatewayId, reason, serials, timeoutMillis);
    }

    Path authorityLog() {
        return authorityWork.resolve("runtime.log");
    }

    @Override
    public void close() {
        try {
            List<AuthorityNode> more;
            synchronized (this) {
                more = List.copyOf(moreAuthorities);
            }
            more.forEach(AuthorityNode::close);
            authority.close();
        } finally {
            try {
                gateway.close();
            } finally {
                broker.close();
                dns.close();
            }
        }
    }

    private static Path secret(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }

    static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
