package io.keywarden.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.jose4j.json.JsonUtil;

import io.keywarden.testing.mqtt.MosquittoBroker;
import io.keywarden.testing.pebble.CertStatus;
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
    private RuntimeProcess authorityRuntime;

    private FleetStage(Path work, ChallTestSrv dns, LocalStage gateway, MosquittoBroker broker) {
        this.work = work;
        this.dns = dns;
        this.gateway = gateway;
        this.broker = broker;
        this.authorityWork = work.resolve("authority");
        this.authorityEtc = authorityWork.resolve("etc");
        this.authorityData = authorityWork.resolve("data");
        this.authorityRevocation = authorityWork.resolve("revocation");
        this.authorityFleet = authorityWork.resolve("fleet");
        this.authorityInbox = authorityWork.resolve("inbox");
        this.authorityDeposits = authorityWork.resolve("escrow-deposits");
        this.gatewayFleet = gateway.workDir.resolve("fleet");
        this.gatewayDeposits = gateway.workDir.resolve("escrow-deposits");
        this.keys = work.resolve("keys");
        try {
            this.authorityKey = ecKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Wipes {@code work}; starts the mock DNS, Pebble (real http-01) and Mosquitto. */
    static FleetStage start(Path work) {
        Layout.wipe(work);
        ChallTestSrv dns = ChallTestSrv.start(work.resolve("dns"));
        LocalStage gateway = null;
        MosquittoBroker broker = null;
        try {
            addARecord(dns, AUTHORITY_HOST, AUTHORITY_ADDRESS);
            gateway = LocalStage.start(work.resolve("gateway"), b -> b.sharedDns(dns));
            broker = MosquittoBroker.start(work.resolve("mqtt"));
            return new FleetStage(work, dns, gateway, broker);
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
        Map<String, String> g = new LinkedHashMap<>(gateway.gatewayConfig(AUTHORITY_HOST, 2));
        g.put(ConfigFiles.HTTP01_BIND, AUTHORITY_ADDRESS);
        g.put(ConfigFiles.DATA_DIR, authorityData.toAbsolutePath().toString());
        ConfigFiles.writeGateway(authorityEtc, g);

        Map<String, String> policy = new LinkedHashMap<>();
        policy.put("routes", "CUSTODIAN_ACCOUNT,ESCROWED_ACCOUNT_KEY");
        policy.put("retry.initial.millis", "200");
        policy.put("retry.max.seconds", "2");
        policy.put("data.dir", authorityRevocation.toAbsolutePath().toString());
        policy.put("store.url", RevocationDb.url(authorityRevocation));
        policy.put("inbox.dir", authorityInbox.toAbsolutePath().toString());
        policy.put(
                "escrow.private.key",
                keys.resolve("escrow-private.pem").toAbsolutePath().toString());
        policy.put("escrow.deposit.dir", authorityDeposits.toAbsolutePath().toString());
        ConfigFiles.write(
                authorityEtc.resolve(RevocationStage.POLICY_PID + ".cfg"), policy, "Keywarden revocation policy");

        Map<String, String> authority = new LinkedHashMap<>();
        authority.put("authority.id", AUTHORITY_ID);
        authority.put("authority.role", "fleet-authority");
        authority.put(
                "authority.key",
                keys.resolve("authority-public.pem").toAbsolutePath().toString());
        ConfigFiles.write(
                authorityEtc.resolve(RevocationStage.AUTHORITY_FACTORY_PID + "-fleet.cfg"),
                authority,
                "Keywarden revocation authority");

        Map<String, String> f = fleetConfig(authorityFleet);
        f.put("notices.apply", "false");
        f.put("notices.publish", "true");
        f.put(
                "authority.signing.key.file",
                keys.resolve("authority-private.pem").toAbsolutePath().toString());
        f.put("inventory.collect", "true");
        f.put(
                "inventory.ca.roots",
                keys.resolve("ca-roots.pem").toAbsolutePath().toString());
        f.put("escrow.deposit.dir", authorityDeposits.toAbsolutePath().toString());
        f.put("store.url", storeUrl());
        ConfigFiles.write(authorityEtc.resolve(FLEET_PID + ".cfg"), f, "Keywarden fleet (authority)");
    }

    private Map<String, String> fleetConfig(Path dataDir) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("mqtt.broker.url", broker.url());
        f.put("fleet.id", FLEET);
        f.put("authority.id", AUTHORITY_ID);
        f.put("data.dir", dataDir.toAbsolutePath().toString());
        return f;
    }

    RuntimeProcess startGateway(Path runtimeJar) {
        return gateway.startRuntimeWithConsole(runtimeJar, List.of());
    }

    synchronized RuntimeProcess startAuthority(Path runtimeJar) {
        authorityRuntime = RuntimeProcess.startBackground(
                runtimeJar, authorityEtc, authorityWork, authorityWork.resolve("runtime.log"), List.of());
        return authorityRuntime;
    }

    /** The fleet authority's request to treat a gateway as compromised, signed now with a fresh nonce. */
    String signCompromisedGateway(String gatewayId, int reason) {
        return RevocationInbox.sign(authorityKey.getPrivate(), AUTHORITY_ID, "COMPROMISED_GATEWAY", gatewayId, reason);
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
        return StoredLog.entries(storeUrl(), gatewayId);
    }

    /** The signed entries of the gateway's log as the authority stored them, in order. */
    List<String> storedMessages(String gatewayId) {
        return StoredLog.messages(storeUrl(), gatewayId);
    }

    /** The serials of the gateway's certificates as the authority's stored log records them. */
    Set<String> storedSerials(String gatewayId) {
        return StoredLog.serials(storeUrl(), gatewayId);
    }

    /**
     * The authority's issuance log database: H2 in its fleet data directory, opened with {@code AUTO_SERVER=TRUE} so
     * the demo and its tests can read it while the runtime holds the file.
     */
    String storeUrl() {
        return "jdbc:h2:file:" + authorityFleet.resolve("fleet").toAbsolutePath() + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
    }

    /** When the authority submitted the request, when Pebble revoked each certificate, when the gateway denied all. */
    record Outcome(Instant submitted, Map<String, CertStatus> revoked, Instant deniedAtGateway) {
        Instant lastRevoked() {
            return revoked.values().stream()
                    .map(s -> s.revokedAt().orElseThrow())
                    .max(Instant::compareTo)
                    .orElseThrow();
        }

        long submitToRevokedMillis() {
            return Duration.between(submitted, lastRevoked()).toMillis();
        }

        long submitToDeniedMillis() {
            return Duration.between(submitted, deniedAtGateway).toMillis();
        }
    }

    /**
     * Drops the authority's COMPROMISED_GATEWAY request into its inbox and watches, every 5 ms, Pebble's status of
     * each serial and the gateway's fleet deny list until all are Revoked and denied.
     */
    Outcome compromise(String gatewayId, int reason, Set<String> serials, long timeoutMillis) {
        String name = "compromised-" + UUID.randomUUID();
        deliver(name, signCompromisedGateway(gatewayId, reason));
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        Map<String, Object> ticket;
        while ((ticket = result(name).orElse(null)) == null) {
            checkTime(deadline, "no answer from the authority's inbox");
        }
        if ("REFUSED".equals(ticket.get("state"))) {
            throw new DemoException("the authority refused the request: " + ticket);
        }
        Instant submitted = Instant.parse(String.valueOf(ticket.get("submittedAt")));
        Map<String, CertStatus> revoked = new TreeMap<>();
        Instant denied = null;
        while (revoked.size() < serials.size() || denied == null) {
            for (String s : serials) {
                if (!revoked.containsKey(s)) {
                    CertStatus st = gateway.pebble.certStatus(s);
                    if (st.isRevoked()) {
                        revoked.put(s, st);
                    }
                }
            }
            if (denied == null && deniedAtGateway().containsAll(serials)) {
                denied = Instant.now();
            }
            checkTime(
                    deadline,
                    "revoked at Pebble " + revoked.keySet() + ", denied at the gateway " + deniedAtGateway() + ", of "
                            + serials);
        }
        return new Outcome(submitted, revoked, denied);
    }

    private static void checkTime(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new DemoException("timed out: " + what);
        }
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    Path authorityLog() {
        return authorityWork.resolve("runtime.log");
    }

    @Override
    public void close() {
        try {
            RuntimeProcess a;
            synchronized (this) {
                a = authorityRuntime;
            }
            if (a != null) {
                a.close();
            }
        } finally {
            try {
                gateway.close();
            } finally {
                broker.close();
                dns.close();
            }
        }
    }

    private static void addARecord(ChallTestSrv dns, String host, String address) {
        String body = JsonUtil.toJson(Map.of("host", host, "addresses", List.of(address)));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dns.managementPort() + "/add-a"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new DemoException(
                        "the mock DNS refused the A record of " + host + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new DemoException("cannot reach the mock DNS: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
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
