package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.client.CertificateAuthority;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.support.retry.Backoff;
import io.keywarden.support.threads.NamedThreads;

/**
 * Runs the engine's orders: a bounded pool of workers places them (at most one in flight per device, shared by
 * every caller asking meanwhile), one timer thread fires renewals and retries with capped exponential backoff.
 */
final class OrderScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderScheduler.class);

    private final StateStore store;
    private final CertificateAuthority client;
    private final Clock clock;
    private final RenewalPlanner planner;
    private final Backoff backoff;
    private final EnrollmentEngine.Listener listener;
    private final DeviceSlots slots;
    private final RevocationHolds revocations;
    private final DeviceOrdering ordering;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private volatile boolean closed;

    OrderScheduler(
            int concurrency,
            StateStore store,
            CertificateAuthority client,
            Clock clock,
            RenewalPlanner planner,
            Backoff backoff,
            EnrollmentEngine.Listener listener,
            DeviceSlots slots,
            RevocationHolds revocations,
            DeviceOrdering ordering) {
        this.store = requireNonNull(store, "store");
        this.client = requireNonNull(client, "client");
        this.clock = requireNonNull(clock, "clock");
        this.planner = requireNonNull(planner, "planner");
        this.backoff = requireNonNull(backoff, "backoff");
        this.listener = requireNonNull(listener, "listener");
        this.slots = requireNonNull(slots, "slots");
        this.revocations = requireNonNull(revocations, "revocations");
        this.ordering = requireNonNull(ordering, "ordering");
        this.timer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("keywarden-enroll-timer"));
        this.workers = Executors.newFixedThreadPool(concurrency, new NamedThreads("keywarden-enroll"));
    }

    /** Runs a task on the workers; throws if the scheduler is closed. */
    void run(Runnable task) {
        workers.execute(task);
    }

    /** Runs a task on the workers, dropping it if the scheduler is closed. */
    void execute(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Engine stopped, task dropped");
        }
    }

    CompletableFuture<CertificateRecord> submit(DeviceSlot d, boolean renewal) {
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
            d.cancelTimer();
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

    private void attempt(DeviceSlot d) {
        DeviceEntry entry;
        boolean renewal;
        synchronized (d) {
            if (closed || d.inFlight == null) {
                return;
            }
            entry = d.entry;
            renewal = d.renewal;
            d.state = EnrollmentState.ENROLLING;
        }
        // e.g. an order retrying while the CA was down, revoked meanwhile: ordering now would undo the revocation
        Optional<String> held = revocations.heldBecause(d.id);
        if (held.isPresent()) {
            fail(d, new EnrollmentException(held.get(), null, false), false);
            return;
        }
        try {
            CertificateRecord record =
                    ordering.order(entry, slots.currentOf(entry.getDeviceId()).map(CertificateRecord::getIssuedAt));
            boolean replaced = recordIssued(d, entry, record);
            LOG.info(
                    "{} {}: serial {} valid until {}",
                    renewal ? "Renewed" : "Enrolled",
                    entry.getDeviceId(),
                    record.getSerial(),
                    record.getNotAfter());
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
            listener.issued(record, renewal || replaced);
            f.complete(record);
        } catch (EnrollmentException e) {
            fail(d, e, e.isRetryable());
        } catch (IOException e) {
            fail(
                    d,
                    new EnrollmentException(
                            "cannot store the certificate of " + entry.getDeviceId() + ": " + e, e, true),
                    true);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure enrolling {}", entry.getDeviceId(), e);
            fail(d, new EnrollmentException("unexpected: " + e, e, false), false);
        }
    }

    /**
     * Stores the new certificate as CURRENT and its predecessor as SUPERSEDED.
     *
     * @return whether the device had a current certificate before
     */
    private boolean recordIssued(DeviceSlot d, DeviceEntry entry, CertificateRecord record) throws IOException {
        // readers take the same lock, so nobody sees the new certificate CURRENT beside the old one
        synchronized (d) {
            Optional<CertificateRecord> previous = slots.currentOf(entry.getDeviceId());
            store.saveCertificate(record);
            if (previous.isPresent() && !previous.get().getSerial().equals(record.getSerial())) {
                store.saveCertificate(previous.get().withStatus(CertificateStatus.SUPERSEDED));
            }
            store.clearPendingOrder(entry.getDeviceId());
            return previous.isPresent();
        }
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
                long delay = Math.max(
                        0, Duration.between(clock.instant(), d.nextAction).toMillis());
                d.timerTask = timer.schedule(() -> dispatch(d), delay, TimeUnit.MILLISECONDS);
            } else {
                d.state = EnrollmentState.FAILED;
                d.nextAction = null;
                f = d.inFlight;
                d.inFlight = null;
            }
        }
        LOG.warn(
                "Enrollment of {} failed (attempt {}){}: {}",
                d.id,
                d.failures,
                willRetry ? ", retrying at " + d.nextAction : "",
                e.getMessage());
        listener.failed(d.id, d.entry == null ? DeviceKind.SENSOR : d.entry.getKind(), e, willRetry);
        if (f != null) {
            f.completeExceptionally(e);
        }
    }

    /** When to renew: the CA's window if it offers one (a network call, so never under a device lock). */
    Instant renewalTime(CertificateRecord record) {
        return planner.plan(record.getNotBefore(), record.getNotAfter(), client.renewalWindow(record.getCertificate()));
    }

    /** Arms the renewal timer; the caller holds the device's lock. */
    void armRenewal(DeviceSlot d, Instant at) {
        if (closed) {
            return;
        }
        d.cancelTimer();
        d.nextAction = at;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        d.timerTask = timer.schedule(() -> renewUnlessHeld(d), delay, TimeUnit.MILLISECONDS);
        LOG.debug("Renewal of {} planned for {}", d.id, at);
    }

    /** A held device is not renewed (nor ordered for on request: see {@link RevocationHolds#heldBecause}). */
    private void renewUnlessHeld(DeviceSlot d) {
        if (!revocations.holdsRenewal(d)) {
            submit(d, true);
        }
    }

    /** Stops the threads and fails every order still in flight (retryable: the next start resumes it). */
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
        for (DeviceSlot d : slots.all()) {
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
