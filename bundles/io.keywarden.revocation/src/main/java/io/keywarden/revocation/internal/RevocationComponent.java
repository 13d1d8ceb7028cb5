package io.keywarden.revocation.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.config.SecretDecoder;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.audit.AuditLog;
import io.keywarden.revocation.internal.audit.RefusalAudit;
import io.keywarden.revocation.internal.authority.Authority;
import io.keywarden.revocation.internal.config.PolicyConfig;
import io.keywarden.revocation.internal.config.PolicyLoader;
import io.keywarden.revocation.internal.config.PolicyOptions;
import io.keywarden.revocation.internal.escrow.EscrowGuard;
import io.keywarden.revocation.internal.escrow.EscrowVault;
import io.keywarden.revocation.internal.queue.RevocationQueue;
import io.keywarden.revocation.internal.queue.Ticket;
import io.keywarden.revocation.internal.request.Decision;
import io.keywarden.revocation.internal.request.Inventories;
import io.keywarden.revocation.internal.request.RateLimiter;
import io.keywarden.revocation.internal.request.RequestChecker;
import io.keywarden.revocation.internal.request.TargetResolver;
import io.keywarden.revocation.internal.store.DenyListStore;
import io.keywarden.revocation.internal.store.NonceStore;
import io.keywarden.revocation.internal.store.ReleaseStore;
import io.keywarden.revocation.internal.store.RevocationDatabase;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.config.Registrations;
import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.retry.Backoff;
import io.keywarden.support.threads.ExecutorStop;
import io.keywarden.support.threads.NamedThreads;

/**
 * Delegated revocation: checks signed requests against the configured authorities, and for an accepted one
 * journals it, denies its certificates and posts the event before {@link #submit} returns; the queue then takes it
 * to the CA. Registers its services itself once the policy is valid (see AcmeEnrollmentComponent for why).
 *
 * <pre>
 * data dir: revocation.mv.db (H2, unless store.url names another database), audit.log (+ audit.log.head)
 * </pre>
 */
@Component(
        configurationPid = PolicyOptions.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = PolicyConfig.class)
public final class RevocationComponent implements RevocationService {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationComponent.class);
    private static final int REFUSED_KEPT = 1000;
    /** Unauthenticated refusals: this many a minute audited one by one, the rest counted into one line a minute. */
    private static final Duration REFUSAL_WINDOW = Duration.ofMinutes(1);

    private static final int REFUSALS_AUDITED_PER_WINDOW = 10;

    /** This framework's own inventory; remote gateways' ones (collected by the fleet bundle) come and go below. */
    @Reference(target = "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))")
    private CertificateInventory localInventory;

    @Reference
    private GatewayEnrollmentService gateway;

    @Reference
    private CaOperations ca;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    /** Kura's decryption of store.password (through the Kura adapter); see the ACME component for the rule. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private SecretDecoder secretDecoder;

    private final Map<String, Authority> authorities = new ConcurrentHashMap<>();
    private final Map<CertificateInventory, String> remoteInventories = new ConcurrentHashMap<>();
    private volatile Inventories inventory;
    private final List<Ticket> refused = new CopyOnWriteArrayList<>();

    private PolicyOptions options;
    private RevocationDatabase store;
    private DenyListStore denyList;
    private ReleaseStore releaseStore;
    private Releases releases;
    private NonceStore nonces;
    private AuditLog audit;
    private RefusalAudit refusalAudit;
    private ScheduledExecutorService refusalFlush;
    private RequestChecker checker;
    private RevocationQueue queue;
    private EscrowGuard escrow;
    private QueueBridge bridge;
    private Registrations registrations;
    private Inbox inbox;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAuthority(Authority a) {
        Authority before = authorities.putIfAbsent(a.getId(), a);
        if (before != null && before != a) {
            LOG.error("Two authorities named {}: the second ({}) is ignored", a.getId(), a);
        }
    }

    void removeAuthority(Authority a) {
        authorities.remove(a.getId(), a);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            target = "(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + ")")
    synchronized void addRemoteInventory(CertificateInventory remote, Map<String, Object> properties) {
        String gatewayId = String.valueOf(properties.get(FleetEvents.INVENTORY_GATEWAY_PROPERTY));
        remoteInventories.put(remote, gatewayId);
        if (inventory != null) {
            inventory.addRemote(remote, gatewayId);
        }
    }

    synchronized void removeRemoteInventory(CertificateInventory remote) {
        remoteInventories.remove(remote);
        if (inventory != null) {
            inventory.removeRemote(remote);
        }
    }

    private synchronized Inventories inventories() {
        Inventories all = new Inventories(localInventory);
        remoteInventories.forEach(all::addRemote);
        inventory = all;
        return all;
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties)
            throws InvalidConfigurationException, IOException, GeneralSecurityException {
        Optional<PolicyOptions> parsed = PolicyLoader.load(properties, context, secretDecoder, eventAdmin);
        if (parsed.isEmpty()) {
            return; // the static greedy reference re-activates this component once the decoder is registered
        }
        options = parsed.get();
        Clock clock = Clock.systemUTC();
        DurableFiles.createPrivateDirectories(options.getDataDir());
        store = RevocationDatabase.open(
                context,
                options.getStore(),
                options.getDataDir(),
                options.getWorkers() + 2,
                options.getReplayWindow(),
                clock);
        denyList = store.denyList();
        nonces = store.nonces();
        audit = new AuditLog(options.getDataDir().resolve("audit.log"), clock);
        releaseStore = store.releases();
        refusalAudit = new RefusalAudit(this::auditQuietly, clock, REFUSAL_WINDOW, REFUSALS_AUDITED_PER_WINDOW);
        bridge = new QueueBridge(audit, denyList, () -> eventAdmin, () -> inventory);
        releases = new Releases(releaseStore, denyList, this::auditQuietly);
        escrow = EscrowGuard.start(options, ca, bridge, store.deposits());
        EscrowVault vault = escrow == null ? null : escrow.vault();
        bridge.setVault(vault);
        checker = new RequestChecker(
                id -> Optional.ofNullable(authorities.get(id)),
                nonces,
                new RateLimiter(options.getRatePerMinute()),
                new TargetResolver(inventories(), g -> vault == null ? Optional.empty() : vault.accountOf(g)),
                gateway::getDeviceId,
                options.getSkew(),
                clock);
        queue = new RevocationQueue(
                ca,
                bridge,
                store.journal(),
                options.getRoutes(),
                new Backoff(options.getRetryInitial(), options.getRetryMax(), new SecureRandom()),
                clock,
                bridge,
                options.getWorkers());
        for (Ticket t : queue.resume()) {
            // deny again what the journal holds: the deny list is written after the journal, a crash may fall between
            denyList.addAll(t.serials());
            auditQuietly("RESUMED", Map.of("ticket", t.id(), "state", t.state().name()));
        }
        registrations = new Registrations(context);
        registrations.register(
                new String[] {RevocationService.class.getName(), DenyList.class.getName()},
                new RevocationServices(this, denyList, releaseStore::releasedAt),
                new Hashtable<>(Map.of(
                        Constants.SERVICE_PID,
                        PolicyOptions.PID,
                        FleetEvents.DENY_SOURCE_PROPERTY,
                        RevocationEvents.DENY_SOURCE_REVOCATION)));
        registrations.register(
                EventHandler.class,
                new FleetAudit(this::auditQuietly),
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, FleetAudit.TOPICS)));
        if (options.getInboxDir().isPresent()) {
            inbox = new Inbox(options.getInboxDir().get(), this);
        }
        // started last: nothing after it can fail activation and leave the thread behind
        refusalFlush = Executors.newSingleThreadScheduledExecutor(NamedThreads.single("keywarden-revoke-refusals"));
        refusalFlush.scheduleWithFixedDelay(
                refusalAudit::flushIfDue, REFUSAL_WINDOW.toSeconds(), REFUSAL_WINDOW.toSeconds(), TimeUnit.SECONDS);
        LOG.info("Keywarden revocation started: routes {}, data in {}", options.getRoutes(), options.getDataDir());
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
        }
        if (inbox != null) {
            inbox.close();
        }
        if (escrow != null) {
            escrow.close();
        }
        if (queue != null) {
            queue.close();
        }
        if (refusalFlush != null) {
            ExecutorStop.now(refusalFlush, Duration.ofSeconds(5));
            refusalAudit.flush();
        }
        try {
            if (audit != null) {
                audit.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing the revocation files: {}", e.toString());
        }
        if (store != null) {
            store.close();
        }
    }

    // ---- RevocationService --------------------------------------------------------------------------------------

    @Override
    public RevocationTicket submit(String signedRequest) {
        String id = UUID.randomUUID().toString();
        Decision d = checker.check(signedRequest);
        Instant now = Instant.now();
        if (!d.isAccepted()) {
            return refuse(Ticket.refused(id, d.request(), now, d.refusal(), d.detail()));
        }
        if (d.request().getAction() == RevocationRequest.Action.RELEASE) {
            return released(releases.release(id, signedRequest, d, now));
        }
        List<Ticket.Cert> certs = d.certificates().stream()
                .map(r -> new Ticket.Cert(r.getSerial(), r.getDeviceId()))
                .toList();
        Ticket t = Ticket.accepted(id, signedRequest, d.request(), now, certs, d.accountsToDeactivate());
        try {
            queue.enqueue(t, () -> {
                try {
                    denyList.addAll(t.serials());
                } catch (IOException e) {
                    LOG.error(
                            "Deny list not recorded ({}): {} denied here, and again at the next start", e, t.serials());
                }
            });
        } catch (IOException e) {
            LOG.error("Cannot journal revocation request {}: {}", id, e.toString());
            return refuse(Ticket.refused(
                    id,
                    d.request(),
                    now,
                    RefusalReason.UNAVAILABLE,
                    "cannot record the request durably: " + e.getMessage()));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ticket", id);
        fields.put("requester", d.request().getRequester());
        fields.put("target", d.request().getTarget().toString());
        fields.put("reason", d.request().getReason().getCode());
        fields.put("serials", t.serials());
        fields.put("accounts", d.accountsToDeactivate());
        auditQuietly("ACCEPTED", fields);
        post(RevocationEvents.TOPIC_ACCEPTED, t.snapshot());
        LOG.info(
                "Revocation {} accepted: {} by {}, denied {}",
                id,
                d.request().getTarget(),
                d.request().getRequester(),
                t.serials());
        return t.snapshot();
    }

    private RevocationTicket released(Ticket t) {
        if (t.state() != TicketState.RELEASED) {
            return refuse(t);
        }
        keep(t);
        post(RevocationEvents.TOPIC_RELEASED, t.snapshot());
        return t.snapshot();
    }

    private RevocationTicket refuse(Ticket t) {
        RevocationTicket view = t.snapshot();
        keep(t);
        if (refusalAudit.record(view)) {
            post(RevocationEvents.TOPIC_REFUSED, view);
        }
        return view;
    }

    /** Settled tickets that never reach the queue (refusals, releases): the newest few kept for lookups. */
    private void keep(Ticket t) {
        refused.add(0, t);
        while (refused.size() > REFUSED_KEPT) {
            refused.remove(refused.size() - 1);
        }
    }

    @Override
    public Optional<RevocationTicket> getTicket(String ticketId) {
        Optional<Ticket> t = queue.ticket(ticketId);
        if (t.isPresent()) {
            return Optional.of(t.get().snapshot());
        }
        return refused.stream().filter(r -> r.id().equals(ticketId)).findFirst().map(Ticket::snapshot);
    }

    @Override
    public List<RevocationTicket> getTickets() {
        List<RevocationTicket> all = new ArrayList<>();
        queue.all().forEach(t -> all.add(t.snapshot()));
        refused.forEach(t -> all.add(t.snapshot()));
        all.sort(Comparator.comparing(RevocationTicket::getSubmittedAt).reversed());
        return all;
    }

    @Override
    public CompletionStage<RevocationTicket> whenSettled(String ticketId) {
        Optional<Ticket> r =
                refused.stream().filter(t -> t.id().equals(ticketId)).findFirst();
        if (r.isPresent()) {
            return CompletableFuture.completedFuture(r.get().snapshot());
        }
        return queue.whenSettled(ticketId).minimalCompletionStage();
    }

    // ---- events and audit -----------------------------------------------------------------------------------------

    private void post(String topic, RevocationTicket t) {
        bridge.post(topic, t);
    }

    private void auditQuietly(String event, Map<String, Object> fields) {
        bridge.audit(event, fields);
    }
}
