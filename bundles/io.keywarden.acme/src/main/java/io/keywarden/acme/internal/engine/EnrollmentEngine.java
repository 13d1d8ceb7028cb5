package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

import io.keywarden.acme.internal.client.CertificateAuthority;
import io.keywarden.acme.internal.client.CsrCheck;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.support.retry.Backoff;

/**
 * Enrolls and renews the gateway and its sensors. A bounded pool of workers places orders (at most one in
 * flight per device), one timer thread fires renewals and retries. Transient failures are retried with
 * capped exponential backoff for as long as the engine runs; the state of every device is visible meanwhile.
 *
 * <p>The engine coordinates: {@link OrderScheduler} runs orders and timers, {@link GatewayEnrollment} handles the
 * gateway's own certificate (including a key held outside), {@link RevocationHolds} the revocation bookkeeping,
 * {@link StartupResume} the start, all sharing one {@link DeviceSlot} per device whose monitor guards its state.
 */
public final class EnrollmentEngine implements AutoCloseable {

    /** Told about outcomes, e.g. to post events. Called on worker threads. */
    public interface Listener {
        void issued(CertificateRecord record, boolean renewal);

        void failed(String deviceId, DeviceKind kind, EnrollmentException error, boolean willRetry);
    }

    private final StateStore store;
    private final CertificateAuthority client;
    private final Clock clock;
    private final DeviceSlots slots;
    private final RevocationHolds revocations;
    private final OrderScheduler scheduler;
    private final GatewayEnrollment gateway;
    private final StartupResume resume;

    public EnrollmentEngine(
            GatewayOptions options,
            StateStore store,
            CertificateAuthority client,
            Clock clock,
            RenewalPlanner planner,
            Backoff backoff,
            Listener listener) {
        requireNonNull(options, "options");
        this.store = requireNonNull(store, "store");
        this.client = requireNonNull(client, "client");
        this.clock = requireNonNull(clock, "clock");
        this.slots = new DeviceSlots(store);
        this.revocations = new RevocationHolds(store, slots);
        this.scheduler = new OrderScheduler(
                options.getConcurrency(),
                store,
                client,
                clock,
                planner,
                backoff,
                listener,
                slots,
                revocations,
                new DeviceOrdering(options.getKeyType(), store, client, clock));
        this.gateway = new GatewayEnrollment(options, store, clock, slots, scheduler);
        this.resume = new StartupResume(store, clock, slots, gateway, revocations, scheduler);
    }

    /**
     * Tells the engine which serials are revoked on the device's behalf (the revocation deny list): their devices
     * are not renewed automatically, or the revoked device would get a fresh certificate at its renewal time.
     */
    public void setDeniedSerials(Predicate<String> denied) {
        revocations.setDeniedSerials(denied);
    }

    /**
     * When an authority's signed release freed the device held by a serial (the deny lists' {@code releasedAt}): a
     * released device gets exactly one new certificate through renew or enroll.
     */
    public void setReleases(Function<String, Optional<Instant>> releases) {
        revocations.setReleases(releases);
    }

    /** Loads the store and schedules what is due; returns at once, the work runs on the engine's threads. */
    public void start() {
        scheduler.run(resume);
    }

    public String gatewayId() {
        return gateway.gatewayId();
    }

    // ---- requests -------------------------------------------------------------------------------------------

    public CompletableFuture<CertificateRecord> enrollSensor(SensorEnrollmentRequest request) {
        try {
            String id = StateStore.checkDeviceId(request.getDeviceId());
            if (id.equals(gatewayId())) {
                throw new IllegalArgumentException("device id " + id + " is the gateway's own");
            }
            List<String> names = new ArrayList<>();
            request.getDnsNames().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
            // checked once here, at the service's boundary; the order uses the result instead of checking again
            byte[] csrDer =
                    request.getCsrPem().map(csr -> CsrCheck.check(csr, names)).orElse(null);
            DeviceEntry entry = new DeviceEntry(
                    id,
                    DeviceKind.SENSOR,
                    names,
                    request.getKeyCustody(),
                    request.getCsrPem().orElse(null),
                    csrDer);
            DeviceSlot d = slots.slot(id);
            synchronized (d) {
                Optional<CertificateRecord> current = slots.currentOf(id);
                // the store, not only memory: a request may arrive before start() has loaded the device
                DeviceEntry known =
                        d.entry != null ? d.entry : store.loadDevice(id).orElse(null);
                if (known != null
                        && known.sameRequestAs(entry)
                        && current.isPresent()
                        && current.get().getNotAfter().isAfter(clock.instant())) {
                    return CompletableFuture.completedFuture(current.get());
                }
                // neither the roster re-sending its request at every start nor a new request may undo a revocation
                Optional<String> held = revocations.heldBecause(id);
                if (held.isPresent()) {
                    return CompletableFuture.failedFuture(new EnrollmentException(held.get(), null, false));
                }
                store.saveDevice(entry);
                d.entry = entry;
                return scheduler.submit(d, false);
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
        Optional<DeviceSlot> d = slots.existing(deviceId).filter(s -> s.entry != null);
        if (d.isEmpty()) {
            return CompletableFuture.failedFuture(new EnrollmentException(
                    deviceId.equals(gatewayId()) && gateway.keyIsExternal()
                            ? GatewayEnrollment.WAITING_FOR_CSR
                            : "unknown device " + deviceId,
                    null,
                    false));
        }
        return refuseIfHeld(deviceId).orElseGet(() -> scheduler.submit(d.get(), true));
    }

    /** The gateway's certificate, ordering it first if it has none. */
    public CompletableFuture<CertificateRecord> enrollGateway() {
        return refuseIfHeld(gatewayId()).orElseGet(gateway::enroll);
    }

    private Optional<CompletableFuture<CertificateRecord>> refuseIfHeld(String deviceId) {
        return revocations
                .heldBecause(deviceId)
                .map(why -> CompletableFuture.failedFuture(new EnrollmentException(why, null, false)));
    }

    /**
     * The gateway's certificate for a key held outside this bundle: the CSR replaces the stored request, and a new
     * certificate is ordered unless the current one was issued for this very CSR and is still valid.
     */
    public CompletableFuture<CertificateRecord> enrollGatewayWithCsr(String csrPem) {
        return refuseIfHeld(gatewayId()).orElseGet(() -> gateway.enroll(csrPem));
    }

    /**
     * Records that the CA revoked these serials: their records become REVOKED on disk, and a device whose current
     * certificate was among them keeps none, so it is neither renewed nor offered as a TLS identity.
     *
     * @return the records marked now (already REVOKED ones and unknown serials are skipped)
     */
    public List<CertificateRecord> markRevoked(Collection<String> serials) {
        return revocations.markRevoked(serials);
    }

    // ---- queries ------------------------------------------------------------------------------------------------

    public Optional<CertificateRecord> currentOf(String deviceId) {
        return slots.currentOf(deviceId);
    }

    public List<CertificateRecord> certificatesOf(String deviceId) {
        return slots.certificatesOf(deviceId);
    }

    public Optional<CertificateRecord> certificateBySerial(String serial) {
        return slots.certificateBySerial(serial);
    }

    public List<String> deviceIds() {
        return slots.deviceIds();
    }

    /** The sensors this gateway enrolls (a gateway configured earlier under another name is not one of them). */
    public List<String> sensorIds() {
        return slots.sensorIds();
    }

    public EnrollmentStatus status(String deviceId) {
        Optional<DeviceSlot> slot = slots.existing(deviceId);
        if (slot.isEmpty()) {
            return new EnrollmentStatus(
                    deviceId,
                    currentOf(deviceId).isPresent() ? EnrollmentState.ENROLLED : EnrollmentState.PENDING,
                    0,
                    null,
                    null);
        }
        DeviceSlot d = slot.get();
        synchronized (d) {
            return new EnrollmentStatus(deviceId, d.state, d.failures, d.lastError, d.nextAction);
        }
    }

    /** Runs a task on the engine's workers (e.g. reading state from another service outside its registration). */
    public void execute(Runnable task) {
        scheduler.execute(task);
    }

    public Optional<String> accountUrl() {
        return client.accountUrl();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
