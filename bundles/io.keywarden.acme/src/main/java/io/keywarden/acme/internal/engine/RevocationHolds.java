package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentState;

/**
 * The engine's revocation bookkeeping: records the CA's revocations as REVOKED on disk and keeps a device whose
 * certificate was revoked on its behalf from being renewed automatically (only an explicit renew or enroll, someone
 * deciding the device is trusted again, orders a new one).
 */
final class RevocationHolds {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationHolds.class);

    private final StateStore store;
    private final DeviceSlots slots;
    private volatile Predicate<String> denied = serial -> false;

    RevocationHolds(StateStore store, DeviceSlots slots) {
        this.store = requireNonNull(store, "store");
        this.slots = requireNonNull(slots, "slots");
    }

    void setDeniedSerials(Predicate<String> denied) {
        this.denied = requireNonNull(denied, "denied");
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
        if (revoked.isPresent()) {
            hold(d, revoked.get());
            return true;
        }
        if (current.isPresent() && denied.test(current.get().getSerial())) {
            synchronized (d) {
                d.state = EnrollmentState.FAILED;
                d.lastError = "certificate " + current.get().getSerial() + " was revoked on the device's behalf: not "
                        + "renewed; enroll the device again once it is trusted";
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

    static String message(CertificateRecord revoked) {
        return "certificate " + revoked.getSerial() + " was revoked at the CA on the device's behalf: not renewed "
                + "automatically; renew the device explicitly once it is trusted again";
    }
}
