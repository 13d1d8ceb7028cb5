package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Predicate;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * Who may speak for a gateway: only one of its own GATEWAY certificates (as its accepted log records them) that no
 * deny list names, and nobody once the gateway is frozen by a {@code COMPROMISED_GATEWAY} ticket. A certificate not
 * recorded yet speaks only in the message that records it as the gateway's own, ordered by the gateway's account (or,
 * for a gateway the authority has not heard of, its first record: trust on first use, which the CA cross-check
 * backs), and only if no gateway has recorded it as something else.
 */
final class Speakers {
    private final FrozenGateways frozen;
    private final Predicate<String> denied;
    private final LogStore store;

    Speakers(FrozenGateways frozen, Predicate<String> denied, LogStore store) {
        this.frozen = frozen;
        this.denied = denied;
        this.store = store;
    }

    void notFrozen(String gatewayId) throws RejectedNoticeException, IOException {
        if (frozen.isFrozen(gatewayId)) {
            throw new RejectedNoticeException("gateway " + gatewayId
                    + " is under an accepted COMPROMISED_GATEWAY ticket: its recorded state is frozen");
        }
    }

    /**
     * @param own the gateway's accepted log (head 0 when it has none)
     * @param introduction a record of the signed message that may introduce the signer as the gateway's own
     */
    void check(String gatewayId, X509Certificate signer, StagedLog own, Optional<CertificateRecord> introduction)
            throws RejectedNoticeException, IOException {
        notFrozen(gatewayId);
        String serial = signer.getSerialNumber().toString(16);
        if (denied.test(serial)) {
            throw new RejectedNoticeException(
                    "signed by certificate " + serial + ", which a deny list names (revoked or being revoked)");
        }
        if (own.head() > 0 && own.gatewaySerials().contains(serial)) {
            return;
        }
        notRecordedElsewhere(gatewayId, signer);
        Optional<CertificateRecord> intro = introduction
                .filter(r ->
                        r.getKind() == DeviceKind.GATEWAY && r.getDeviceId().equals(gatewayId))
                .filter(r -> r.getSerial().equals(serial));
        boolean introduces = intro.isPresent()
                && (own.head() == 0 || own.accounts().contains(intro.get().getAccountUrl()));
        if (!introduces) {
            throw new RejectedNoticeException("signed by certificate " + serial
                    + ", which is not a GATEWAY certificate of " + gatewayId + " that the authority knows");
        }
    }

    /**
     * Refuses a signer that some gateway's accepted log records as another device's certificate (a sensor's, or
     * another gateway's): it can never become a GATEWAY certificate of {@code gatewayId}, so what it signed is refused
     * at once rather than kept waiting for a log.
     */
    void notRecordedElsewhere(String gatewayId, X509Certificate signer) throws RejectedNoticeException, IOException {
        String serial = signer.getSerialNumber().toString(16);
        Optional<LogStore.Owner> known = store.owner(serial);
        if (known.isPresent()) {
            throw new RejectedNoticeException("signed by certificate " + serial + ", the "
                    + known.get().kind() + " certificate of "
                    + known.get().deviceId() + " on gateway "
                    + known.get().gatewayId() + ", not a GATEWAY certificate of " + gatewayId);
        }
    }
}
