package io.keywarden.acme.internal.engine;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentState;

/** The engine's mutable state for one device, guarded by the instance's monitor. */
final class DeviceSlot {
    final String id;
    DeviceEntry entry;
    EnrollmentState state = EnrollmentState.PENDING;
    int failures;
    String lastError;
    Instant nextAction;
    ScheduledFuture<?> timerTask;
    /** The order under way, shared by every caller asking for this device meanwhile. */
    CompletableFuture<CertificateRecord> inFlight;

    boolean renewal;

    DeviceSlot(String id) {
        this.id = id;
    }

    /** Cancels the pending renewal or retry, if any; the caller holds this slot's monitor. */
    void cancelTimer() {
        ScheduledFuture<?> t = timerTask;
        if (t != null) {
            t.cancel(false);
            timerTask = null;
        }
    }
}
