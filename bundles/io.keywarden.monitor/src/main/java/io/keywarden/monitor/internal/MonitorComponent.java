package io.keywarden.monitor.internal;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.monitor.GatewaySnapshot;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.SensorActivity;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRequestSigner;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.monitor.internal.channel.SensorChannel;
import io.keywarden.monitor.internal.observe.ActivityTracker;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.GatewayBaseline;
import io.keywarden.monitor.internal.policy.Learner;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.policy.PolicyFile;
import io.keywarden.monitor.internal.report.ReportException;
import io.keywarden.monitor.internal.response.Containment;
import io.keywarden.monitor.internal.response.IncidentLog;
import io.keywarden.monitor.internal.response.MonitorIdentity;
import io.keywarden.monitor.internal.response.QuarantineStore;
import io.keywarden.monitor.internal.shell.MonitorCommands;
import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.config.Registrations;
import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.threads.NamedThreads;

/**
 * The device monitor: opens the sensor channel, judges what sensors report and what the gateway sees of them
 * against the policy, and contains devices that deviate (quarantine at once, revocation through the revocation
 * component as the gateway-monitor authority). A configuration change re-activates it; incidents, quarantine and the
 * monitor's key are on disk.
 */
// service = {}: registered by activate() once the configuration is valid (see AcmeEnrollmentComponent for why)
@Component(
        configurationPid = MonitorOptions.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = MonitorConfig.class)
public final class MonitorComponent implements DeviceMonitor, MonitorCommands.Baselines {
    /** This node's own inventory, never one the fleet bundle serves for a remote gateway. */
    private static final String LOCAL_INVENTORY =
            "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))";

    private static final Logger LOG = LoggerFactory.getLogger(MonitorComponent.class);
    static final String APPROVED_BASELINE = "approved-baseline.json";

    private final GatewayEnrollmentService gateway;
    private final CertificateInventory inventory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;
    /** Every deny list there is (the revocation component's, the fleet notices'): any one of them refuses. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<DenyList> denyLists = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RevocationService revocationService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RevocationRequestSigner revocationSigner;

    private final Clock clock = Clock.systemUTC();
    private MonitorOptions options;
    private MonitorIdentity identity;
    private QuarantineStore quarantine;
    private IncidentLog incidents;
    private volatile Policy policy;
    private final Learner learner = new Learner();
    private ActivityTracker activity;
    private Containment containment;
    private ScheduledExecutorService executor;
    private SensorChannel channel;
    private ChannelAdmission admission;
    private GatewayWatch gatewayWatch;
    private SilenceWatch silence;
    private ScheduledExecutorService gatewayScanner;
    private Registrations registrations;

    @Activate
    public MonitorComponent(
            @Reference GatewayEnrollmentService gateway,
            @Reference(target = LOCAL_INVENTORY) CertificateInventory inventory) {
        this.gateway = gateway;
        this.inventory = inventory;
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties)
            throws InvalidConfigurationException, IOException, GeneralSecurityException {
        File area = context.getDataFile("monitor");
        options = ConfigurationErrors.parse(
                LOG,
                eventAdmin,
                MonitorOptions.PID,
                () -> MonitorOptions.parse(properties, area == null ? null : area.toPath(), gateway.getDeviceId()));
        policy = ConfigurationErrors.parse(LOG, eventAdmin, MonitorOptions.PID, () -> loadPolicy(options));
        identity = MonitorIdentity.loadOrCreate(options.dataDir);
        quarantine = new QuarantineStore(options.dataDir);
        incidents = new IncidentLog(options.dataDir);
        activity = new ActivityTracker(clock);
        executor = Executors.newScheduledThreadPool(1, NamedThreads.single("keywarden-monitor"));
        containment = new Containment(quarantine, incidents, this::revoke, this::post, clock, executor);
        admission = new ChannelAdmission(gateway, inventory, denyLists, quarantine, this::post);
        channel = openChannel();
        silence = new SilenceWatch(
                activity,
                inventory,
                quarantine::contains,
                () -> policy,
                (id, serial, finding, action, now) -> containment.respond(id, serial, finding, action, now),
                clock);
        executor.scheduleWithFixedDelay(this::checkSilence, 1, 1, TimeUnit.SECONDS);
        gatewayWatch = new GatewayWatch(
                gateway.getDeviceId(), context, () -> policy, learner, options.learning, containment, clock);
        if (options.gatewayScanSeconds > 0) {
            // on its own thread: hashing every executable on the first scan must not delay a revocation
            gatewayScanner =
                    Executors.newSingleThreadScheduledExecutor(NamedThreads.single("keywarden-monitor-gateway-scan"));
            gatewayScanner.scheduleWithFixedDelay(gatewayWatch::scan, 1, options.gatewayScanSeconds, TimeUnit.SECONDS);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "keywarden");
        props.put("osgi.command.function", MonitorCommands.FUNCTIONS);
        registrations = new Registrations(context);
        registrations.register(
                DeviceMonitor.class, this, new Hashtable<>(Map.of(Constants.SERVICE_PID, MonitorOptions.PID)));
        registrations.register(MonitorCommands.class, new MonitorCommands(this, this), props);
        LOG.info(
                "Keywarden monitor started: channel {}, authority {} (public key {}), {}",
                channel.address(),
                options.authorityId,
                identity.publicKeyFile(),
                options.learning ? "LEARNING" : "enforcing");
    }

    /** A port that cannot be listened on is a bad value of channel.port, reported like any other (as the acme bundle's http01.port). */
    private SensorChannel openChannel() throws InvalidConfigurationException, GeneralSecurityException {
        try {
            return SensorChannel.open(
                    options.channel,
                    admission,
                    gateway::getTlsIdentity,
                    new SensorEndpoint(activity, () -> policy, learner, options.learning, containment, clock));
        } catch (IOException e) {
            executor.shutdownNow();
            throw ConfigurationErrors.report(
                    LOG,
                    eventAdmin,
                    MonitorOptions.PID,
                    new InvalidConfigurationException(
                            MonitorOptions.KEY_PORT,
                            "cannot listen on " + options.channel.bindAddress() + ":" + options.channel.port() + " ("
                                    + e.getMessage() + ")"));
        }
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
        }
        if (channel != null) {
            channel.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (gatewayScanner != null) {
            gatewayScanner.shutdownNow();
        }
    }

    /** The configured policy and the approved baseline; a file that cannot be read or parsed rejects the configuration. */
    private static Policy loadPolicy(MonitorOptions o) throws InvalidConfigurationException {
        try {
            DurableFiles.createPrivateDirectories(o.dataDir);
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    MonitorOptions.KEY_DATA_DIR, "cannot create " + o.dataDir + ": " + e);
        }
        try {
            return readPolicy(o);
        } catch (IOException | ReportException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(MonitorOptions.KEY_POLICY_FILE, e.getMessage(), e);
        }
    }

    private static Policy readPolicy(MonitorOptions o) throws IOException, ReportException {
        Policy p = new Policy(Map.of(Policy.DEFAULT_CLASS, o.defaultClass), Map.of(), o.actions, o.gateway);
        if (o.policyFile != null) {
            PolicyFile.Content c =
                    PolicyFile.parse(Files.readString(o.policyFile, StandardCharsets.UTF_8), o.defaultClass);
            p = p.overlay(c.classes(), c.devices()).withGateway(c.gateway());
        }
        Path approved = o.dataDir.resolve(APPROVED_BASELINE);
        if (Files.exists(approved)) {
            PolicyFile.Content c = PolicyFile.parse(Files.readString(approved, StandardCharsets.UTF_8), o.defaultClass);
            p = p.withClasses(c.classes()).withGateway(c.gateway());
        }
        return p;
    }

    // ---- response ------------------------------------------------------------------------------------------------

    private String revoke(String serial, String deviceId) throws Containment.RevocationNotTakenException {
        RevocationService service = revocationService;
        RevocationRequestSigner signer = revocationSigner;
        if (service == null || signer == null) {
            throw new Containment.RevocationNotTakenException("no revocation service is running");
        }
        RevocationRequest request = RevocationRequest.builder()
                .target(RevocationTarget.certificate(serial))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester(options.authorityId)
                .nonce(UUID.randomUUID().toString())
                .issuedAt(clock.instant())
                .build();
        RevocationTicket ticket = service.submit(signer.sign(request, identity.privateKey()));
        if (ticket.getState() == TicketState.REFUSED) {
            throw new Containment.RevocationNotTakenException(
                    "refused: " + ticket.getRefusalReason().map(Enum::name).orElse("?") + " "
                            + ticket.getDetail().orElse(""));
        }
        return ticket.getId();
    }

    private void checkSilence() {
        if (options.learning) {
            return;
        }
        try {
            silence.check();
        } catch (RuntimeException e) {
            // a failed pass must not end the schedule
            LOG.warn("Silence check failed: {}", e.toString(), e);
        }
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }

    // ---- DeviceMonitor ------------------------------------------------------------------------------------------

    @Override
    public List<Incident> getIncidents() {
        return incidents.all();
    }

    @Override
    public Set<String> getQuarantinedDevices() {
        return quarantine.devices();
    }

    @Override
    public boolean isQuarantined(String deviceId) {
        return quarantine.contains(deviceId);
    }

    @Override
    public boolean liftQuarantine(String deviceId, String reason) {
        try {
            boolean lifted = containment.lift(deviceId, reason);
            if (lifted) {
                activity.forget(deviceId);
                silence.restart(deviceId);
            }
            return lifted;
        } catch (IOException e) {
            throw new IllegalStateException("cannot save the quarantine list: " + e.getMessage(), e);
        }
    }

    /** An operator's quarantine, from the shell. */
    public boolean quarantine(String deviceId, String reason) {
        return containment.quarantine(deviceId, "operator: " + reason);
    }

    @Override
    public List<SensorActivity> getSensorActivity() {
        return activity.snapshot();
    }

    @Override
    public Optional<InetSocketAddress> getChannelAddress() {
        return Optional.ofNullable(channel).map(SensorChannel::address);
    }

    @Override
    public String getAuthorityId() {
        return options.authorityId;
    }

    @Override
    public String getAuthorityPublicKeyPem() {
        return identity.publicKeyPem();
    }

    @Override
    public GatewaySnapshot observeGateway() {
        return gatewayWatch.collect();
    }

    // ---- learning ------------------------------------------------------------------------------------------------

    @Override
    public String proposedBaseline() {
        return PolicyFile.write(learner.proposal(policy), Map.of(), learner.gatewayProposal());
    }

    @Override
    public Path approveBaseline() throws IOException {
        Map<String, DeviceClassPolicy> proposal = learner.proposal(policy);
        GatewayBaseline gatewayProposal = learner.gatewayProposal();
        Path file = options.dataDir.resolve(APPROVED_BASELINE);
        Map<String, DeviceClassPolicy> merged = new HashMap<>();
        GatewayBaseline mergedGateway = gatewayProposal;
        if (Files.exists(file)) {
            try {
                PolicyFile.Content before =
                        PolicyFile.parse(Files.readString(file, StandardCharsets.UTF_8), options.defaultClass);
                merged.putAll(before.classes());
                mergedGateway = before.gateway().plus(gatewayProposal);
            } catch (ReportException e) {
                LOG.warn("{} is not a valid baseline, replaced: {}", file, e.getMessage());
            }
        }
        merged.putAll(proposal);
        Files.writeString(file, PolicyFile.write(merged, Map.of(), mergedGateway), StandardCharsets.UTF_8);
        policy = policy.withClasses(proposal).withGateway(gatewayProposal);
        learner.clear();
        LOG.info("Baseline of {} approved into {}", proposal.keySet(), file);
        return file;
    }

    @Override
    public boolean learning() {
        return options.learning;
    }
}
