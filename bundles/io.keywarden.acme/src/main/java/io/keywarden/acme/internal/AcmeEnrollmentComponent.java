package io.keywarden.acme.internal;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.client.AcmeCaOperations;
import io.keywarden.acme.internal.client.AcmeClient;
import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.acme.internal.config.GatewayConfig;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.engine.EnrollmentEngine;
import io.keywarden.acme.internal.engine.GatewayIdentity;
import io.keywarden.acme.internal.engine.RevocationRecorder;
import io.keywarden.acme.internal.engine.Waits;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.config.SecretDecoder;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.GatewayKeyHolder;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.support.config.ConfigSecrets;
import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.config.Registrations;
import io.keywarden.support.retry.Backoff;

/**
 * The gateway's ACME enrollment component. It has no modified method on purpose: a configuration change
 * re-activates it (all state is on disk, nothing is lost), and an invalid change takes its services down
 * exactly like an invalid first configuration, instead of leaving them registered over a stopped engine.
 */
// service = {}: the services are registered by activate() once the configuration is valid. Declared as DS services
// they would stay registered (with a null service object) after activate() throws on an invalid configuration.
@Component(
        configurationPid = GatewayOptions.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = GatewayConfig.class)
public final class AcmeEnrollmentComponent
        implements GatewayEnrollmentService, SensorEnrollmentService, CertificateInventory, EnrollmentEngine.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeEnrollmentComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    /** Where sensors declared as factory configurations may pick their own challenge type. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configAdmin;

    /**
     * Every deny list there is (the revocation component's, the fleet notices'): a device revoked on its behalf is
     * not renewed behind its revoker's back.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<DenyList> denyLists = new CopyOnWriteArrayList<>();

    /** Where the gateway's key is when this bundle does not hold it (Kura's keystore, through the Kura adapter). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<GatewayKeyHolder> keyHolders = new CopyOnWriteArrayList<>();

    /**
     * Kura's decryption of Password-typed properties (through the Kura adapter). Static and greedy: a decoder that
     * appears later re-activates the component, so a configuration waiting for it starts then, decrypted.
     */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private SecretDecoder secretDecoder;

    private final List<RevocationService> revocationServices = new CopyOnWriteArrayList<>();
    private volatile RevocationRecorder recorder;

    private ChallengeSetup challenges;
    private StateStore store;
    private EnrollmentEngine engine;
    private AcmeClient client;
    private Duration orderTimeout;
    private GatewayIdentity identity;
    private Registrations registrations;

    /** A revocation component that appears may have revoked certificates while this bundle was not listening. */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindRevocationService")
    void bindRevocationService(RevocationService service) {
        revocationServices.add(service);
        reconcileLater(service);
    }

    void unbindRevocationService(RevocationService service) {
        revocationServices.remove(service);
    }

    private void reconcileLater(RevocationService service) {
        RevocationRecorder r = recorder;
        EnrollmentEngine e = engine;
        if (r != null && e != null) {
            // never call into another service from inside its (un)registration
            e.execute(() -> r.reconcile(service));
        }
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties)
            throws InvalidConfigurationException, IOException, GeneralSecurityException {
        Optional<Map<String, Object>> decoded = ConfigurationErrors.parse(
                LOG,
                eventAdmin,
                GatewayOptions.PID,
                () -> ConfigSecrets.decode(
                        properties,
                        List.of(GatewayOptions.KEY_EAB_HMAC, Dns01Options.KEY_TSIG_SECRET),
                        secretDecoder,
                        context));
        if (decoded.isEmpty()) {
            // the static greedy reference re-activates this component as soon as the decoder is registered
            LOG.info(
                    "Configuration {} has encrypted secrets and the platform's SecretDecoder is not registered "
                            + "yet: enrollment waits for it",
                    GatewayOptions.PID);
            return;
        }
        File dataArea = context.getDataFile("keywarden");
        GatewayOptions options = ConfigurationErrors.parse(
                LOG,
                eventAdmin,
                GatewayOptions.PID,
                () -> GatewayOptions.parse(decoded.get(), dataArea == null ? null : dataArea.toPath()));
        challenges = ConfigurationErrors.parse(
                LOG,
                eventAdmin,
                GatewayOptions.PID,
                () -> ChallengeSetup.create(
                        context,
                        options,
                        new SensorChallengeTypes(() -> configAdmin),
                        p -> post(EnrollmentEvents.TOPIC_HTTP01_REFUSED, p)));
        try {
            store = new StateStore(options.getDataDir());
        } catch (IOException | RuntimeException e) {
            challenges.close();
            throw e;
        }
        orderTimeout = options.getOrderTimeout();
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        try {
            client = new AcmeClient(options, store, challenges.solvers(), clock);
        } catch (GeneralSecurityException | RuntimeException e) {
            challenges.close();
            throw e;
        }
        engine = new EnrollmentEngine(
                options,
                store,
                client,
                clock,
                new RenewalPlanner(options.getRenewalThreshold(), options.getRenewalJitter(), random),
                new Backoff(options.getRetryInitial(), options.getRetryMax(), random),
                this);
        engine.setDeniedSerials(serial -> denyLists.stream().anyMatch(d -> d.isDenied(serial)));
        engine.setReleases(serial -> denyLists.stream()
                .map(d -> d.releasedAt(serial))
                .flatMap(Optional::stream)
                .max(Comparator.naturalOrder()));
        engine.start();
        identity = new GatewayIdentity(this::getCertificate, () -> store.loadDeviceKey(engine.gatewayId()), keyHolders);
        recorder = new RevocationRecorder(engine);
        registrations = new Registrations(context);
        registrations.register(
                EventHandler.class,
                recorder,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, RevocationEvents.TOPIC_REVOKED)));
        revocationServices.forEach(this::reconcileLater);
        registrations.register(
                new String[] {
                    GatewayEnrollmentService.class.getName(),
                    SensorEnrollmentService.class.getName(),
                    CertificateInventory.class.getName()
                },
                this,
                new Hashtable<>(Map.of(Constants.SERVICE_PID, GatewayOptions.PID)));
        registrations.register(
                CaOperations.class,
                new AcmeCaOperations(client, store),
                new Hashtable<>(Map.of(Constants.SERVICE_PID, GatewayOptions.PID)));
        LOG.info(
                "Keywarden enrollment for {} against {} started (data in {})",
                options.getDnsName(),
                options.getDirectoryUrl(),
                options.getDataDir());
    }

    @Deactivate
    void deactivate() {
        recorder = null;
        if (registrations != null) {
            registrations.unregisterAll();
        }
        if (engine != null) {
            engine.close();
        }
        if (client != null) {
            client.close();
        }
        if (challenges != null) {
            challenges.close();
        }
    }

    // ---- events ----------------------------------------------------------------------------------------------

    @Override
    public void issued(CertificateRecord record, boolean renewal) {
        post(
                renewal ? EnrollmentEvents.TOPIC_RENEWED : EnrollmentEvents.TOPIC_ENROLLED,
                EventProperties.issued(record));
    }

    @Override
    public void failed(String deviceId, DeviceKind kind, EnrollmentException error, boolean willRetry) {
        post(EnrollmentEvents.TOPIC_FAILED, EventProperties.failed(deviceId, kind, error, willRetry));
    }

    private void post(String topic, Map<String, ?> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }

    // ---- GatewayEnrollmentService ---------------------------------------------------------------------------------

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
        return identity.get();
    }

    @Override
    public Optional<String> getAccountUrl() {
        return engine.accountUrl();
    }

    @Override
    public CertificateRecord enroll() throws EnrollmentException {
        return awaitGateway(engine.enrollGateway());
    }

    @Override
    public CertificateRecord renew() throws EnrollmentException {
        enrollIfNeeded();
        return awaitGateway(engine.renew(engine.gatewayId()));
    }

    @Override
    public CertificateRecord enroll(String csrPem) throws EnrollmentException {
        return awaitGateway(engine.enrollGatewayWithCsr(Objects.requireNonNull(csrPem, "csrPem")));
    }

    private CertificateRecord awaitGateway(CompletableFuture<CertificateRecord> f) throws EnrollmentException {
        String id = engine.gatewayId();
        return Waits.await(id, f, orderTimeout.plusSeconds(5), () -> engine.status(id));
    }

    private void enrollIfNeeded() throws EnrollmentException {
        if (getCertificate().isEmpty()) {
            enroll();
        }
    }

    // ---- SensorEnrollmentService
    // -------------------------------------------------------------------------------------

    @Override
    public CompletionStage<CertificateRecord> enroll(SensorEnrollmentRequest request) {
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

    // ---- CertificateInventory
    // -----------------------------------------------------------------------------------------

    @Override
    public List<CertificateRecord> getAll() {
        List<CertificateRecord> out = new ArrayList<>();
        for (String id : engine.deviceIds()) {
            out.addAll(engine.certificatesOf(id));
        }
        return out;
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        return engine.certificatesOf(deviceId);
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        return engine.certificateBySerial(serial);
    }
}
