package io.keywarden.est.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.keywarden.acme.internal.challenge.ChallengeSolvers;
import io.keywarden.acme.internal.challenge.Http01Solver;
import io.keywarden.acme.internal.challenge.StandaloneHttp01;
import io.keywarden.acme.internal.client.AcmeClient;
import io.keywarden.acme.internal.config.ChallengeSelection;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.engine.EnrollmentEngine;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.support.retry.Backoff;

/**
 * The ACME bundle's real enrollment engine, against a real CA, behind the three services the EST server uses, as the
 * bundle's component offers them (without OSGi). Its data directory survives {@link #close()}: a new instance over
 * the same directory is the gateway after a restart. Counts the orders the engine starts per device.
 */
final class AcmeGateway
        implements GatewayEnrollmentService, SensorEnrollmentService, CertificateInventory, AutoCloseable {
    private final StateStore store;
    final StandaloneHttp01 responder;
    private final boolean ownResponder;
    private final AcmeClient client;
    private final EnrollmentEngine engine;
    final Map<String, Integer> enrollCalls = new ConcurrentHashMap<>();

    AcmeGateway(String directoryUrl, Path trustAnchor, int http01Port, String dnsName, Path data) throws Exception {
        this(directoryUrl, trustAnchor, http01Port, dnsName, data, null);
    }

    /** @param shared another gateway's http-01 responder (two gateways of one test share the CA's validation port) */
    AcmeGateway(
            String directoryUrl, Path trustAnchor, int http01Port, String dnsName, Path data, StandaloneHttp01 shared)
            throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(GatewayOptions.KEY_DIRECTORY_URL, directoryUrl);
        p.put(GatewayOptions.KEY_TRUST_ANCHOR, trustAnchor.toString());
        p.put(GatewayOptions.KEY_DNS_NAME, dnsName);
        p.put(GatewayOptions.KEY_HTTP01_PORT, http01Port);
        p.put(GatewayOptions.KEY_HTTP01_BIND, "127.0.0.1");
        p.put(GatewayOptions.KEY_ORDER_TIMEOUT, 30);
        p.put(GatewayOptions.KEY_RETRY_INITIAL, 1);
        p.put(GatewayOptions.KEY_RETRY_MAX, 2);
        GatewayOptions options = GatewayOptions.parse(p, data);
        store = new StateStore(options.getDataDir());
        ownResponder = shared == null;
        responder = shared != null ? shared : new StandaloneHttp01("127.0.0.1", http01Port);
        client = new AcmeClient(options, store, http01Only(responder), Clock.systemUTC());
        SecureRandom random = new SecureRandom();
        engine = new EnrollmentEngine(
                options,
                store,
                client,
                Clock.systemUTC(),
                new RenewalPlanner(options.getRenewalThreshold(), options.getRenewalJitter(), random),
                new Backoff(options.getRetryInitial(), options.getRetryMax(), random),
                new EnrollmentEngine.Listener() {
                    @Override
                    public void issued(CertificateRecord record, boolean renewal) {}

                    @Override
                    public void failed(String deviceId, DeviceKind kind, EnrollmentException error, boolean retry) {}
                });
        engine.start();
    }

    /** Waits for the gateway's own certificate. */
    AcmeGateway enrolled() throws Exception {
        engine.enrollGateway().get(60, TimeUnit.SECONDS);
        return this;
    }

    @Override
    public void close() {
        engine.close();
        client.close();
        if (ownResponder) {
            responder.close();
        }
    }

    // ---- GatewayEnrollmentService ----

    @Override
    public String getDeviceId() {
        return engine.gatewayId();
    }

    @Override
    public EnrollmentStatus getStatus() {
        return engine.status(engine.gatewayId());
    }

    @Override
    public Optional<CertificateRecord> getCertificate() {
        return engine.currentOf(engine.gatewayId());
    }

    @Override
    public List<X509Certificate> getCaCertificates() {
        return getCertificate()
                .map(r -> r.getChain().subList(1, r.getChain().size()))
                .orElse(List.of());
    }

    @Override
    public Optional<KeyStore.PrivateKeyEntry> getTlsIdentity() {
        try {
            Optional<CertificateRecord> c = getCertificate();
            Optional<KeyPair> k = store.loadDeviceKey(engine.gatewayId());
            if (c.isEmpty() || k.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new KeyStore.PrivateKeyEntry(
                    k.get().getPrivate(), c.get().getChain().toArray(new X509Certificate[0])));
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> getAccountUrl() {
        return engine.accountUrl();
    }

    @Override
    public CertificateRecord enroll() throws EnrollmentException {
        throw new UnsupportedOperationException();
    }

    @Override
    public CertificateRecord renew() throws EnrollmentException {
        throw new UnsupportedOperationException();
    }

    @Override
    public CertificateRecord enroll(String csrPem) throws EnrollmentException {
        throw new UnsupportedOperationException();
    }

    // ---- SensorEnrollmentService ----

    @Override
    public CompletionStage<CertificateRecord> enroll(SensorEnrollmentRequest request) {
        enrollCalls.merge(request.getDeviceId(), 1, Integer::sum);
        return engine.enrollSensor(request);
    }

    @Override
    public CompletionStage<CertificateRecord> renew(String deviceId) {
        return engine.renew(deviceId);
    }

    @Override
    public Optional<CertificateRecord> getCertificate(String deviceId) {
        return engine.currentOf(deviceId);
    }

    @Override
    public EnrollmentStatus getStatus(String deviceId) {
        return engine.status(deviceId);
    }

    @Override
    public List<String> getDeviceIds() {
        return engine.sensorIds();
    }

    // ---- CertificateInventory ----

    @Override
    public List<CertificateRecord> getAll() {
        List<CertificateRecord> out = new ArrayList<>();
        engine.deviceIds().forEach(id -> out.addAll(engine.certificatesOf(id)));
        return out;
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        return engine.certificatesOf(deviceId);
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        return getAll().stream().filter(r -> r.getSerial().equals(serial)).findFirst();
    }

    /** Certificates recorded for a device (every order that completed). */
    int certificateCount(String deviceId) {
        return engine.certificatesOf(deviceId).size();
    }

    static Duration orderWait() {
        return Duration.ofSeconds(60);
    }

    /** Every name over http-01, answered by {@code responder} (the gateway's own port, as on a standalone runtime). */
    private static ChallengeSolvers http01Only(StandaloneHttp01 responder) {
        Http01Solver.Tokens tokens = responder;
        return new ChallengeSolvers(
                ChallengeSelection.always(ChallengeTypes.HTTP_01),
                Map.of(ChallengeTypes.HTTP_01, new Http01Solver(tokens)),
                id -> Optional.empty());
    }
}
