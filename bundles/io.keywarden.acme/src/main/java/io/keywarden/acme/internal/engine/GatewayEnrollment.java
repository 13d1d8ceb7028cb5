package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.client.CsrCheck;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeySource;
import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.KeyCustody;

/**
 * The gateway's own certificate: for a key this bundle holds, or ({@code key.source=external}) for a CSR of a key
 * held outside, in which case nothing is ordered until a CSR arrives. Everything here runs under the gateway
 * slot's monitor, as a CSR may be stored while the engine resumes at start.
 */
final class GatewayEnrollment {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayEnrollment.class);
    static final String WAITING_FOR_CSR =
            "waiting for a CSR: " + GatewayOptions.KEY_KEY_SOURCE + " is external, so the "
                    + "gateway's certificate is ordered only for a CSR given to GatewayEnrollmentService.enroll(csr) (on Kura: "
                    + "Keywarden's EnrollmentService)";

    private final GatewayOptions options;
    private final StateStore store;
    private final Clock clock;
    private final DeviceSlots slots;
    private final OrderScheduler scheduler;

    GatewayEnrollment(
            GatewayOptions options, StateStore store, Clock clock, DeviceSlots slots, OrderScheduler scheduler) {
        this.options = requireNonNull(options, "options");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.slots = requireNonNull(slots, "slots");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    String gatewayId() {
        return options.getDnsName();
    }

    boolean keyIsExternal() {
        return options.getKeySource() == KeySource.EXTERNAL;
    }

    /**
     * Loads the gateway's stored request at start, storing a fresh one for a key of its own if there is none.
     *
     * @return whether the gateway waits for a CSR (so the engine must not resume an order for it)
     */
    boolean resume() throws IOException {
        // a gateway key held outside (enroll(csr)) stays so across restarts while the name is the same;
        // read and written under the gateway's lock, as enroll(csr) may store a CSR at this very moment
        boolean awaitCsr;
        synchronized (slots.slot(gatewayId())) {
            Optional<DeviceEntry> stored = store.loadDevice(gatewayId())
                    .filter(e -> e.getKind() == DeviceKind.GATEWAY
                            && e.getIdentifiers().equals(List.of(options.getDnsName())));
            awaitCsr = awaitsCsr(stored.orElse(null));
            if (!awaitCsr && stored.isEmpty()) {
                store.saveDevice(ownKeyEntry());
            }
        }
        if (awaitCsr) {
            holdForCsr();
        }
        return awaitCsr;
    }

    /**
     * Whether the gateway's certificate must wait for a CSR: the key is external and nothing usable is stored (no
     * CSR given yet, and no current certificate from before the key source was switched).
     */
    private boolean awaitsCsr(DeviceEntry gateway) {
        return keyIsExternal()
                && (gateway == null
                        || gateway.getCustody() != KeyCustody.DEVICE
                        || gateway.getCsrPem().isEmpty())
                && slots.currentOf(gatewayId()).isEmpty();
    }

    private void holdForCsr() {
        DeviceSlot d = slots.slot(gatewayId());
        synchronized (d) {
            if (d.inFlight == null) {
                d.state = EnrollmentState.PENDING;
                d.lastError = WAITING_FOR_CSR;
                d.nextAction = null;
            }
        }
        LOG.info(
                "Gateway {}: nothing ordered until a CSR arrives ({}=external)",
                gatewayId(),
                GatewayOptions.KEY_KEY_SOURCE);
    }

    /** @see EnrollmentEngine#enrollGateway() */
    CompletableFuture<CertificateRecord> enroll() {
        DeviceSlot d = slots.slot(gatewayId());
        synchronized (d) {
            Optional<CertificateRecord> current = slots.currentOf(gatewayId());
            if (current.isPresent() && current.get().getNotAfter().isAfter(clock.instant())) {
                return CompletableFuture.completedFuture(current.get());
            }
            if (d.entry == null && keyIsExternal()) {
                return CompletableFuture.failedFuture(new EnrollmentException(WAITING_FOR_CSR, null, false));
            }
            if (d.entry == null) {
                d.entry = ownKeyEntry();
            }
            return scheduler.submit(d, false);
        }
    }

    /** @see EnrollmentEngine#enrollGatewayWithCsr(String) */
    CompletableFuture<CertificateRecord> enroll(String csrPem) {
        List<String> names = List.of(options.getDnsName());
        DeviceEntry entry;
        try {
            byte[] der = CsrCheck.check(csrPem, names);
            entry = new DeviceEntry(gatewayId(), DeviceKind.GATEWAY, names, KeyCustody.DEVICE, csrPem, der);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new EnrollmentException("gateway CSR rejected: " + e.getMessage(), e, false));
        }
        DeviceSlot d = slots.slot(gatewayId());
        synchronized (d) {
            Optional<CertificateRecord> current = slots.currentOf(gatewayId());
            if (d.entry != null
                    && d.entry.sameRequestAs(entry)
                    && current.isPresent()
                    && current.get().getNotAfter().isAfter(clock.instant())) {
                return CompletableFuture.completedFuture(current.get());
            }
            CompletableFuture<CertificateRecord> running = d.inFlight;
            if (running != null && (d.entry == null || !entry.sameRequestAs(d.entry))) {
                // the order under way is for the previous key (e.g. the first one, placed at start): queue behind it
                return running.handle((r, e) -> null).thenCompose(settled -> enroll(csrPem));
            }
            try {
                store.saveDevice(entry);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(
                        new EnrollmentException("cannot store the request: " + e, e, false));
            }
            d.entry = entry;
            return scheduler.submit(d, current.isPresent());
        }
    }

    private DeviceEntry ownKeyEntry() {
        return new DeviceEntry(
                gatewayId(), DeviceKind.GATEWAY, List.of(options.getDnsName()), KeyCustody.GATEWAY, null);
    }
}
