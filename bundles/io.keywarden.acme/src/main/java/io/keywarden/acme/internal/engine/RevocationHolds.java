package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentState;

/**
 * The engine's revocation bookkeeping: records the CA's revocations as REVOKED on disk and holds a device whose
 * certificate was revoked on its behalf: nothing is ordered for it any more, automatically or on request, until an
 * authority's signed release ({@link io.keywarden.api.revocation.DenyList#releasedAt}) allows one new certificate.
 */
final class RevocationHolds {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationHolds.class);

    private final StateStore store;
    private final DeviceSlots slots;
    private volatile Predicate<String> denied = serial -> false;
    private volatile Function<String, Optional<Instant>> releases = serial -> Optional.empty();

    RevocationHolds(StateStore store, DeviceSlots slots) {
        this.store = requireNonNull(store, "store");
        this.slots = requireNonNull(slots, "slots");
    }

    void setDeniedSerials(Predicate<String> denied) {
        this.denied = requireNonNull(denied, "denied");
    }

    /** @see EnrollmentEngine#setReleases(Function) */
    void setReleases(Function<String, Optional<Instant>> releases) {
        this.releases = requireNonNull(releases, "releases");
    }

    /**
     * Whether an authority's signed release frees the device held by {@code serial}. The serial only ever held the
     * device while it was the device's newest or current certificate: the one certificate ordered after the release
     * replaces it, and if that one is revoked too it holds the device again (it was never released).
     */
    boolean released(String deviceId, String serial) {
        Optional<Instant> at = releases.apply(serial);
        at.ifPresent(t -> LOG.debug("{}: certificate {} released at {}", deviceId, serial, t));
        return at.isPresent();
    }

    /** @see EnrollmentEngine#markRevoked(Collection) */
    List<CertificateRecord> markRevoked(Collection<String> serials) {
        Set<String> wanted = new HashSet<>();
        serials.forEach(s -> wanted.add(s.toLowerCase(Locale.ROOT)));
        List<CertificateRecord> marked = new ArrayList<>();
        for (String id : wanted.isEmpty() ? List.<String>of() : slots.deviceIds()) {
            DeviceSlot d = slots.slot(id);
            synchronized (d) {
                CertificateRecord lostCurrent = null;
                for (CertificateRecord r : slots.certificatesOf(id)) {
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
                    hold(d, lostCurrent);
                }
            }
        }
        return marked;
    }

    /** The device's newest certificate when it is REVOKED (so the device has been left without one). */
    Optional<CertificateRecord> revokedLast(String deviceId) {
        List<CertificateRecord> all = slots.certificatesOf(deviceId);
        return all.isEmpty() || all.get(all.size() - 1).getStatus() != CertificateStatus.REVOKED
                ? Optional.empty()
                : Optional.of(all.get(all.size() - 1));
    }

    /** Leaves the device FAILED with no renewal planned, saying which revoked certificate holds it. */
    void hold(DeviceSlot d, CertificateRecord revoked) {
        synchronized (d) {
            d.cancelTimer();
            d.state = EnrollmentState.FAILED;
            d.lastError = message(revoked);
            d.nextAction = null;
        }
    }

    /**
     * Holds the device instead of its automatic renewal when its certificate was revoked at the CA or its current
     * one is on the deny list.
     *
     * @return whether the device is held (the renewal must not be ordered)
     */
    boolean holdsRenewal(DeviceSlot d) {
        Optional<CertificateRecord> current = slots.currentOf(d.id);
        Optional<CertificateRecord> revoked = current.isEmpty() ? revokedLast(d.id) : Optional.empty();
        if (revoked.isPresent() && !released(d.id, revoked.get().getSerial())) {
            hold(d, revoked.get());
            return true;
        }
        if (current.isPresent()
                && denied.test(current.get().getSerial())
                && !released(d.id, current.get().getSerial())) {
            synchronized (d) {
                d.state = EnrollmentState.FAILED;
                d.lastError = heldBecause(d.id).orElse("revoked on the device's behalf");
                d.nextAction = null;
            }
            LOG.warn(
                    "{} not renewed: its certificate {} is on the deny list",
                    d.id,
                    current.get().getSerial());
            return true;
        }
        return false;
    }

    /**
     * Why the device may not get a new certificate now: its newest certificate was revoked at the CA and it has no
     * current one, or its current one is on a deny list (revoked on its behalf, the CA not yet confirming). A held
     * device gets nothing through renew, enroll, the console, EST or the roster: the device (or whoever took it over)
     * asking again is exactly what a revocation must outlast. Only an authority's signed release of the holding
     * certificate lifts the hold, for one new certificate ({@link #released}).
     */
    Optional<String> heldBecause(String deviceId) {
        Optional<CertificateRecord> current = slots.currentOf(deviceId);
        if (current.isEmpty()) {
            return revokedLast(deviceId)
                    .filter(r -> !released(deviceId, r.getSerial()))
                    .map(RevocationHolds::message);
        }
        if (denied.test(current.get().getSerial())
                && !released(deviceId, current.get().getSerial())) {
            return Optional.of("certificate " + current.get().getSerial() + " of " + deviceId
                    + " was revoked on the device's behalf (deny list): " + HELD);
        }
        return Optional.empty();
    }

    private static final String HELD = "the device is held and gets no new certificate through renew, enroll, the"
            + " console, EST or its configuration";

    static String message(CertificateRecord revoked) {
        return "certificate " + revoked.getSerial() + " of " + revoked.getDeviceId()
                + " was revoked at the CA on the device's behalf: " + HELD;
    }
}
