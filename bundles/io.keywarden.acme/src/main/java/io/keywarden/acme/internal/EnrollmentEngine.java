package io.keywarden.acme.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.acme.CertificateAuthority;
import io.keywarden.acme.internal.acme.CsrCheck;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeySource;
import io.keywarden.acme.internal.schedule.Backoff;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;

/**
 * Enrolls and renews the gateway and its sensors. A bounded pool of workers places orders (at most one in
 * flight per device), one timer thread fires renewals and retries. Transient failures are retried with
 * capped exponential backoff for as long as the engine runs; the state of every device is visible meanwhile.
 */
public final class EnrollmentEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentEngine.class);
    static final String WAITING_FOR_CSR = "waiting for a CSR: " + GatewayOptions.KEY_KEY_SOURCE + " is external, so the "
            + "gateway's certificate is ordered only for a CSR given to GatewayEnrollmentService.enroll(csr) (on Kura: "
            + "Keywarden's EnrollmentService)";

    /** Told about outcomes, e.g. to post events. Called on worker threads. */
    public interface Listener {
        void issued(CertificateRecord record, boolean renewal);

        void failed(String deviceId, DeviceKind kind, EnrollmentException error, boolean willRetry);
    }

    private final GatewayOptions options;
    private final StateStore store;
    private final CertificateAuthority client;
    private final Clock clock;
    private final RenewalPlanner planner;
    private final Backoff backoff;
    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final DeviceOrdering ordering;
    private final Map<String, DeviceSlot> devices = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile Predicate<String> denied = serial -> false;

    public EnrollmentEngine(GatewayOptions options, StateStore store, CertificateAuthority client, Clock clock,
            RenewalPlanner planner, Backoff backoff, Listener listener) {
        this.options = requireNonNull(options, "options");
        this.store = requireNonNull(store, "store");
        this.client = requireNonNull(client, "client");
        this.clock = requireNonNull(clock, "clock");
        this.planner = requireNonNull(planner, "planner");
        this.backoff = requireNonNull(backoff, "backoff");
        this.listener = requireNonNull(listener, "listener");
        this.ordering = new DeviceOrdering(options.getKeyType(), store, client, clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("keywarden-enroll-timer"));
        this.workers = Executors.newFixedThreadPool(options.getConcurrency(), new NamedThreads("keywarden-enroll"));
    }

    /**
     * Tells the engine which serials are revoked on the device's behalf (the revocation deny list): their devices
     * are not renewed automatically, or the revoked device would get a fresh certificate at its renewal time.
     */
    public void setDeniedSerials(Predicate<String> denied) {
        this.denied = requireNonNull(denied, "denied");
    }

    /** Loads the store and schedules what is due; returns at once, the work runs on the engine's threads. */
    public void start() {
        workers.execute(this::resume);
    }

    private void resume() {
        try {
            // a gateway key held outside (enrollGatewayWithCsr) stays so across restarts while the name is the same;
            // read and written under the gateway's lock, as enrollGatewayWithCsr may store a CSR at this very moment
            boolean awaitCsr;
            synchronized (device(gatewayId())) {
                Optional<DeviceEntry> stored = store.loadDevice(gatewayId()).filter(e -> e.getKind() == DeviceKind.GATEWAY
                        && e.getIdentifiers().equals(List.of(options.getDnsName())));
                awaitCsr = awaitsCsr(stored.orElse(null));
                if (!awaitCsr && stored.isEmpty()) {
                    store.saveDevice(new DeviceEntry(gatewayId(), DeviceKind.GATEWAY, List.of(options.getDnsName()),
                            KeyCustody.GATEWAY, null));
                }
            }
            if (awaitCsr) {
                holdForCsr();
            }
            for (String id : store.deviceIds()) {
                Optional<DeviceEntry> entry = store.loadDevice(id);
                if (entry.isEmpty() || (entry.get().getKind() == DeviceKind.GATEWAY && !id.equals(gatewayId()))
                        || (awaitCsr && id.equals(gatewayId()))) {
                    continue;
                }
                DeviceSlot d = device(id);
                d.entry = entry.get();
                Optional<CertificateRecord> current = currentOf(id);
                if (current.isPresent() && current.get().getNotAfter().isAfter(clock.instant())) {
                    Instant at = renewalTime(current.get());
                    synchronized (d) {
                        if (d.inFlight == null) {
                            d.state = EnrollmentState.ENROLLED;
                            armRenewal(d, at);
                        }
                    }
                } else if (current.isEmpty() && revokedLast(id).isPresent()) {
                    holdRevoked(d, revokedLast(id).get());
                } else {
                    submit(d, current.isPresent());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot read the enrollment state in {}: {}", store.getRoot(), e.toString(), e);
        }
    }

    public String gatewayId() {
        return options.getDnsName();
    }

    /**
     * Whether the gateway's certificate must wait for a CSR: the key is external and nothing usable is stored (no
     * CSR given yet, and no current certificate from before the key source was switched).
     */
    private boolean awaitsCsr(DeviceEntry gateway) {
        return options.getKeySource() == KeySource.EXTERNAL
                && (gateway == null || gateway.getCustody() != KeyCustody.DEVICE || gateway.getCsrPem().isEmpty())
                && currentOf(gatewayId()).isEmpty();
    }

    private void holdForCsr() {
        DeviceSlot d = device(gatewayId());
        synchronized (d) {
            if (d.inFlight == null) {
                d.state = EnrollmentState.PENDING;
                d.lastError = WAITING_FOR_CSR;
                d.nextAction = null;
            }
        }
        LOG.info("Gateway {}: nothing ordered until a CSR arrives ({}=external)", gatewayId(),
                GatewayOptions.KEY_KEY_SOURCE);
    }

    // ---- requests -------------------------------------------------------------------------------------------

    public CompletableFuture<CertificateRecord> enrollSensor(SensorEnrollmentRequest request) {
        try {
            String id = StateStore.checkDeviceId(request.getDeviceId());
            if (id.equals(gatewayId())) {
                throw new IllegalArgumentException("device id " + id + " is the gateway's own");
            }
            List<String> names = new ArrayList<>();
            request.getDnsNames().forEach(n -> names.add(n.toLowerCase(java.util.Locale.ROOT)));
            request.getCsrPem().ifPresent(csr -> CsrCheck.check(csr, names));
            DeviceEntry entry = new DeviceEntry(id, DeviceKind.SENSOR, names, request.getKeyCustody(),
                    request.getCsrPem().orElse(null));
            DeviceSlot d = device(id);
            synchronized (d) {
                Optional<CertificateRecord> current = currentOf(id);
                // the store, not only memory: a request may arrive before start() has loaded the device
                DeviceEntry known = d.entry != null ? d.entry : store.loadDevice(id).orElse(null);
                if (known != null && known.sameRequestAs(entry) && current.isPresent()
                        && current.get().getNotAfter().isAfter(clock.instant())) {
                    return CompletableFuture.completedFuture(current.get());
                }
                Optional<CertificateRecord> revoked = revokedLast(id);
                // the roster re-sends its request at every start: it must not undo a revocation
                if (known != null && known.sameRequestAs(entry) && current.isEmpty() && revoked.isPresent()) {
                    return CompletableFuture.failedFuture(new EnrollmentException(revokedMessage(revoked.get()), null,
                            false));
                }
                store.saveDevice(entry);
                d.entry = entry;
                return submit(d, false);
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new EnrollmentException("enrollment request rejected: " + e.getMessage(), e, false));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new EnrollmentException("cannot store the request: " + e, e, false));
        }
    }

    /** Orders a replacement for the device's certificate now (or joins the order under way). */
    public CompletableFuture<CertificateRecord> renew(String deviceId) {
        DeviceSlot d = devices.get(deviceId);
        if (d == null || d.entry == null) {
            return CompletableFuture.failedFuture(new EnrollmentException(deviceId.equals(gatewayId())
                    && options.getKeySource() == KeySource.EXTERNAL ? WAITING_FOR_CSR : "unknown device " + deviceId,
                    null, false));
        }
        return submit(d, true);
    }

    /** The gateway's certificate, ordering it first if it has none. */
    public CompletableFuture<CertificateRecord> enrollGateway() {
        DeviceSlot d = device(gatewayId());
        synchronized (d) {
            Optional<CertificateRecord> current = currentOf(gatewayId());
            if (current.isPresent() && current.get().getNotAfter().isAfter(clock.instant())) {
                return CompletableFuture.completedFuture(current.get());
            }
            if (d.entry == null && options.getKeySource() == KeySource.EXTERNAL) {
                return CompletableFuture.failedFuture(new EnrollmentException(WAITING_FOR_CSR, null, false));
            }
            if (d.entry == null) {
                d.entry = new DeviceEntry(gatewayId(), DeviceKind.GATEWAY, List.of(options.getDnsName()),
                        KeyCustody.GATEWAY, null);
            }
            return submit(d, false);
        }
    }

    /**
     * The gateway's certificate for a key held outside this bundle: the CSR replaces the stored request, and a new
     * certificate is ordered unless the current one was issued for this very CSR and is still valid.
     */
    public CompletableFuture<CertificateRecord> enrollGatewayWithCsr(String csrPem) {
        List<String> names = List.of(options.getDnsName());
        DeviceEntry entry;
        try {
            CsrCheck.check(csrPem, names);
            entry = new DeviceEntry(gatewayId(), DeviceKind.GATEWAY, names, KeyCustody.DEVICE, csrPem);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new EnrollmentException("gateway CSR rejected: " + e.getMessage(), e, false));
        }
        DeviceSlot d = device(gatewayId());
        synchronized (d) {
            Optional<CertificateRecord> current = currentOf(gatewayId());
            if (d.entry != null && d.entry.sameRequestAs(entry) && current.isPresent()
                    && current.get().getNotAfter().isAfter(clock.instant())) {
                return CompletableFuture.completedFuture(current.get());
            }
            CompletableFuture<CertificateRecord> running = d.inFlight;
            if (running != null && (d.entry == null || !entry.sameRequestAs(d.entry))) {
                // the order under way is for the previous key (e.g. the first one, placed at start): queue behind it
                return running.handle((r, e) -> null).thenCompose(settled -> enrollGatewayWithCsr(csrPem));
            }
            try {
                store.saveDevice(entry);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(new EnrollmentException("cannot store the request: " + e, e, false));
            }
            d.entry = entry;
            return submit(d, current.isPresent());
        }
    }

    private CompletableFuture<CertificateRecord> submit(DeviceSlot d, boolean renewal) {
        return submit(d, renewal, false);
    }

    /** @param automatic the renewal timer's own renewal, which a revocation landing meanwhile stops */
    private CompletableFuture<CertificateRecord> submit(DeviceSlot d, boolean renewal, boolean automatic) {
        synchronized (d) {
            if (closed) {
                return CompletableFuture.failedFuture(new EnrollmentException("enrollment stopped", null, true));
            }
            if (d.inFlight != null) {
                return d.inFlight;
            }
            CompletableFuture<CertificateRecord> f = new CompletableFuture<>();
            d.inFlight = f;
            d.renewal = renewal;
            d.automatic = automatic;
            cancelTimer(d);
            d.state = EnrollmentState.ENROLLING;
            d.nextAction = null;
            dispatch(d);
            return f;
        }
    }

    private void dispatch(DeviceSlot d) {
        try {
            workers.execute(() -> attempt(d));
        } catch (RejectedExecutionException e) {
            fail(d, new EnrollmentException("enrollment stopped", e, true), false);
        }
    }

    // ---- one attempt --------------------------------------------------------------------------------------------

    private void attempt(DeviceSlot d) {
        DeviceEntry entry;
        boolean renewal;
        boolean automatic;
        synchronized (d) {
            if (closed || d.inFlight == null) {
                return;
            }
            entry = d.entry;
            renewal = d.renewal;
            automatic = d.automatic;
            d.state = EnrollmentState.ENROLLING;
        }
        // e.g. a renewal retrying while the CA was down, revoked meanwhile: ordering now would undo the revocation
        Optional<CertificateRecord> revoked = automatic && currentOf(d.id).isEmpty() ? revokedLast(d.id)
                : Optional.empty();
        if (revoked.isPresent()) {
            fail(d, new EnrollmentException(revokedMessage(revoked.get()), null, false), false);
            return;
        }
        try {
            CertificateRecord record = orderFor(entry);
            Optional<CertificateRecord> previous;
            // readers take the same lock, so nobody sees the new certificate CURRENT beside the old one
            synchronized (d) {
                previous = currentOf(entry.getDeviceId());
                store.saveCertificate(record);
                if (previous.isPresent() && !previous.get().getSerial().equals(record.getSerial())) {
                    store.saveCertificate(previous.get().withStatus(CertificateStatus.SUPERSEDED));
                }
                store.clearPendingOrder(entry.getDeviceId());
            }
            LOG.info("{} {}: serial {} valid until {}", renewal ? "Renewed" : "Enrolled", entry.getDeviceId(),
                    record.getSerial(), record.getNotAfter());
            Instant renewAt = renewalTime(record);
            CompletableFuture<CertificateRecord> f;
            synchronized (d) {
                d.state = EnrollmentState.ENROLLED;
                d.failures = 0;
                d.lastError = null;
                f = d.inFlight;
                d.inFlight = null;
                armRenewal(d, renewAt);
            }
            listener.issued(record, renewal || previous.isPresent());
            f.complete(record);
        } catch (EnrollmentException e) {
            fail(d, e, e.isRetryable());
        } catch (IOException e) {
            fail(d, new EnrollmentException("cannot store the certificate of " + entry.getDeviceId() + ": " + e, e,
                    true), true);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure enrolling {}", entry.getDeviceId(), e);
            fail(d, new EnrollmentException("unexpected: " + e, e, false), false);
        }
    }

    private CertificateRecord orderFor(DeviceEntry entry) throws EnrollmentException, IOException {
        return ordering.order(entry, currentOf(entry.getDeviceId()).map(CertificateRecord::getIssuedAt));
    }

    private void fail(DeviceSlot d, EnrollmentException e, boolean retry) {
        CompletableFuture<CertificateRecord> f = null;
        boolean willRetry = retry && !closed;
        synchronized (d) {
            d.failures++;
            d.lastError = e.getMessage();
            if (willRetry) {
                d.state = EnrollmentState.RETRYING;
                d.nextAction = backoff.next(clock.instant(), d.failures, e.getRetryAfter());
                long delay = Math.max(0, Duration.between(clock.instant(), d.nextAction).toMillis());
                d.timerTask = timer.schedule(() -> dispatch(d), delay, TimeUnit.MILLISECONDS);
            } else {
                d.state = EnrollmentState.FAILED;
                d.nextAction = null;
                f = d.inFlight;
                d.inFlight = null;
            }
        }
        LOG.warn("Enrollment of {} failed (attempt {}){}: {}", d.id, d.failures,
                willRetry ? ", retrying at " + d.nextAction : "", e.getMessage());
        listener.failed(d.id, d.entry == null ? DeviceKind.SENSOR : d.entry.getKind(), e, willRetry);
        if (f != null) {
            f.completeExceptionally(e);
        }
    }

    /** When to renew: the CA's window if it offers one (a network call, so never under a device lock). */
    private Instant renewalTime(CertificateRecord record) {
        return planner.plan(record.getNotBefore(), record.getNotAfter(), client.renewalWindow(record.getCertificate()));
    }

    /** Arms the renewal timer; the caller holds the device's lock. */
    private void armRenewal(DeviceSlot d, Instant at) {
        if (closed) {
            return;
        }
        cancelTimer(d);
        d.nextAction = at;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        d.timerTask = timer.schedule(() -> renewUnlessDenied(d), delay, TimeUnit.MILLISECONDS);
        LOG.debug("Renewal of {} planned for {}", d.id, at);
    }

    /** An explicit renew or enroll still works: that is someone deciding the device is trusted again. */
    private void renewUnlessDenied(DeviceSlot d) {
        Optional<CertificateRecord> current = currentOf(d.id);
        Optional<CertificateRecord> revoked = current.isEmpty() ? revokedLast(d.id) : Optional.empty();
        if (revoked.isPresent()) {
            holdRevoked(d, revoked.get());
            return;
        }
        if (current.isPresent() && denied.test(current.get().getSerial())) {
            synchronized (d) {
                d.state = EnrollmentState.FAILED;
                d.lastError = "certificate " + current.get().getSerial() + " was revoked on the device's behalf: not "
                        + "renewed; enroll the device again once it is trusted";
                d.nextAction = null;
            }
            LOG.warn("{} not renewed: its certificate {} is on the deny list", d.id, current.get().getSerial());
            return;
        }
        submit(d, true, true);
    }

    // ---- revocation ----------------------------------------------------------------------------------------------

    /**
     * Records that the CA revoked these serials: their records become REVOKED on disk, and a device whose current
     * certificate was among them keeps none, so it is neither renewed nor offered as a TLS identity.
     *
     * @return the records marked now (already REVOKED ones and unknown serials are skipped)
     */
    public List<CertificateRecord> markRevoked(Collection<String> serials) {
        Set<String> wanted = new HashSet<>();
        serials.forEach(s -> wanted.add(s.toLowerCase(Locale.ROOT)));
        List<CertificateRecord> marked = new ArrayList<>();
        for (String id : wanted.isEmpty() ? List.<String>of() : deviceIds()) {
            DeviceSlot d = device(id);
            synchronized (d) {
                CertificateRecord lostCurrent = null;
                for (CertificateRecord r : certificatesOf(id)) {
                    if (r.getStatus() == CertificateStatus.REVOKED
                            || !wanted.contains(r.getSerial().toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                    try {
                        store.saveCertificate(r.withStatus(CertificateStatus.REVOKED));
                    } catch (IOException e) {
                        LOG.error("Cannot record the revocation of {} ({}): {}", r.getSerial(), id, e.toString());
                        continue;
                    }
                    marked.add(r);
                    if (r.getStatus() == CertificateStatus.CURRENT) {
                        lostCurrent = r;
                    }
                }
                if (lostCurrent != null && d.inFlight == null) {
                    holdRevoked(d, lostCurrent);
                }
            }
        }
        return marked;
    }

    /** The device's newest certificate when it is REVOKED (so the device has been left without one). */
    private Optional<CertificateRecord> revokedLast(String deviceId) {
        List<CertificateRecord> all = certificatesOf(deviceId);
        return all.isEmpty() || all.get(all.size() - 1).getStatus() != CertificateStatus.REVOKED ? Optional.empty()
                : Optional.of(all.get(all.size() - 1));
    }

    private void holdRevoked(DeviceSlot d, CertificateRecord revoked) {
        synchronized (d) {
            cancelTimer(d);
            d.state = EnrollmentState.FAILED;
            d.lastError = revokedMessage(revoked);
            d.nextAction = null;
        }
    }

    private static String revokedMessage(CertificateRecord revoked) {
        return "certificate " + revoked.getSerial() + " was revoked at the CA on the device's behalf: not renewed "
                + "automatically; renew the device explicitly once it is trusted again";
    }

    private static void cancelTimer(DeviceSlot d) {
        ScheduledFuture<?> t = d.timerTask;
        if (t != null) {
            t.cancel(false);
            d.timerTask = null;
        }
    }

    // ---- queries ------------------------------------------------------------------------------------------------

    public Optional<CertificateRecord> currentOf(String deviceId) {
        try {
            List<CertificateRecord> all = certificatesOrThrow(deviceId);
            CertificateRecord best = null;
            for (CertificateRecord r : all) {
                if (r.getStatus() == CertificateStatus.CURRENT) {
                    best = r;
                }
            }
            return Optional.ofNullable(best);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read certificates of {}: {}", deviceId, e.toString());
            return Optional.empty();
        }
    }

    public List<CertificateRecord> certificatesOf(String deviceId) {
        try {
            return certificatesOrThrow(deviceId);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read certificates of {}: {}", deviceId, e.toString());
            return List.of();
        }
    }

    private List<CertificateRecord> certificatesOrThrow(String deviceId) throws IOException {
        StateStore.checkDeviceId(deviceId);
        synchronized (device(deviceId)) {
            return store.loadCertificates(deviceId);
        }
    }

    public List<String> deviceIds() {
        try {
            return store.deviceIds();
        } catch (IOException e) {
            LOG.warn("Cannot list devices in {}: {}", store.getRoot(), e.toString());
            return List.of();
        }
    }

    /** The sensors this gateway enrolls (a gateway configured earlier under another name is not one of them). */
    public List<String> sensorIds() {
        List<String> out = new ArrayList<>();
        for (String id : deviceIds()) {
            try {
                if (store.loadDevice(id).map(e -> e.getKind() == DeviceKind.SENSOR).orElse(false)) {
                    out.add(id);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot read device {}: {}", id, e.toString());
            }
        }
        return out;
    }

    public EnrollmentStatus status(String deviceId) {
        DeviceSlot d = devices.get(deviceId);
        if (d == null) {
            return new EnrollmentStatus(deviceId, currentOf(deviceId).isPresent() ? EnrollmentState.ENROLLED
                    : EnrollmentState.PENDING, 0, null, null);
        }
        synchronized (d) {
            return new EnrollmentStatus(deviceId, d.state, d.failures, d.lastError, d.nextAction);
        }
    }

    /** Runs a task on the engine's workers (e.g. reading state from another service outside its registration). */
    public void execute(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Engine stopped, task dropped");
        }
    }

    public Optional<String> accountUrl() {
        return client.accountUrl();
    }

    private DeviceSlot device(String id) {
        return devices.computeIfAbsent(id, DeviceSlot::new);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (DeviceSlot d : devices.values()) {
            CompletableFuture<CertificateRecord> f;
            synchronized (d) {
                f = d.inFlight;
                d.inFlight = null;
            }
            if (f != null) {
                f.completeExceptionally(new EnrollmentException("enrollment stopped", null, true));
            }
        }
    }
}
