package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentState;

/**
 * Picks up where the last run stopped: plans the renewal of every device with a valid certificate, keeps devices
 * revoked on their behalf held, and orders (or resumes the journaled order of) every other device.
 */
final class StartupResume implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StartupResume.class);

    private final StateStore store;
    private final Clock clock;
    private final DeviceSlots slots;
    private final GatewayEnrollment gateway;
    private final RevocationHolds revocations;
    private final OrderScheduler scheduler;

    StartupResume(
            StateStore store,
            Clock clock,
            DeviceSlots slots,
            GatewayEnrollment gateway,
            RevocationHolds revocations,
            OrderScheduler scheduler) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.slots = requireNonNull(slots, "slots");
        this.gateway = requireNonNull(gateway, "gateway");
        this.revocations = requireNonNull(revocations, "revocations");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    @Override
    public void run() {
        try {
            boolean awaitCsr = gateway.resume();
            for (String id : store.deviceIds()) {
                Optional<DeviceEntry> entry = store.loadDevice(id);
                if (entry.isEmpty()
                        || (entry.get().getKind() == DeviceKind.GATEWAY && !id.equals(gateway.gatewayId()))
                        || (awaitCsr && id.equals(gateway.gatewayId()))) {
                    continue;
                }
                resume(slots.slot(id), entry.get());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot read the enrollment state in {}: {}", store.getRoot(), e.toString(), e);
        }
    }

    private void resume(DeviceSlot d, DeviceEntry entry) {
        d.entry = entry;
        Optional<CertificateRecord> current = slots.currentOf(d.id);
        if (current.isPresent() && current.get().getNotAfter().isAfter(clock.instant())) {
            Instant at = scheduler.renewalTime(current.get());
            synchronized (d) {
                if (d.inFlight == null) {
                    d.state = EnrollmentState.ENROLLED;
                    scheduler.armRenewal(d, at);
                }
            }
        } else if (current.isEmpty() && revocations.revokedLast(d.id).isPresent()) {
            revocations.hold(d, revocations.revokedLast(d.id).get());
        } else {
            scheduler.submit(d, current.isPresent());
        }
    }
}
