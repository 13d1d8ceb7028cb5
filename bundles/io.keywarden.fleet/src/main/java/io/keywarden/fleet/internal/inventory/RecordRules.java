package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * What one entry of a gateway's issuance log may record. A gateway speaks only for itself and for what its own
 * account ordered; every record is a certificate of the fleet's CA with the serial it claims; a certificate is
 * recorded once; no account or certificate is claimed by two gateways (otherwise a compromised gateway could list
 * another gateway's account and have it deactivated with its own, or another's certificates and have them denied
 * fleet-wide with its own).
 */
final class RecordRules {

    /** Longest serial (hex of RFC 5280's 20 octets is 40), device id and account URL the log store holds. */
    static final int MAX_SERIAL = 64;

    static final int MAX_DEVICE_ID = 1024;
    static final int MAX_ACCOUNT_URL = 2048;

    private RecordRules() {}

    /**
     * What a record may be whatever the log holds: checked before the gateway's log is locked, since validating its
     * chain costs as much as a signature.
     */
    static void checkAlone(String gatewayId, CertificateRecord r, Set<TrustAnchor> roots)
            throws RejectedNoticeException {
        if (r.getSerial().length() > MAX_SERIAL
                || r.getDeviceId().length() > MAX_DEVICE_ID
                || r.getAccountUrl().length() > MAX_ACCOUNT_URL) {
            // what the store cannot hold would never be stored nor acknowledged: refused here, once, loudly
            throw new RejectedNoticeException("serial, device id or account URL longer than " + MAX_SERIAL + ", "
                    + MAX_DEVICE_ID + " or " + MAX_ACCOUNT_URL + " characters");
        }
        if (r.getKind() == DeviceKind.GATEWAY && !r.getDeviceId().equals(gatewayId)) {
            throw new RejectedNoticeException("records gateway " + r.getDeviceId() + ", not itself");
        }
        X509Certificate leaf = r.getCertificate();
        if (!leaf.getSerialNumber().toString(16).equals(r.getSerial())) {
            throw new RejectedNoticeException("record " + r.getSerial() + " carries certificate "
                    + leaf.getSerialNumber().toString(16));
        }
        Instant mid = r.getNotBefore()
                .plus(Duration.between(r.getNotBefore(), r.getNotAfter()).dividedBy(2));
        GatewayEnvelope.checkChain(r.getChain(), roots, mid);
    }

    /** What a record may be given the gateway's log so far (and every other gateway's): checked under its lock. */
    static void checkInLog(StagedLog own, CertificateRecord r) throws RejectedNoticeException, IOException {
        String gatewayId = own.gatewayId();
        if (r.getKind() != DeviceKind.GATEWAY) {
            Set<String> accounts = own.accounts();
            if (!accounts.contains(r.getAccountUrl())) {
                throw new RejectedNoticeException(r.getDeviceId() + " (" + r.getSerial() + ") was ordered by "
                        + r.getAccountUrl() + ", not by the gateway's account " + accounts);
            }
        }
        Optional<LogStore.Owner> owner = own.owner(r.getSerial());
        if (owner.isPresent()) {
            throw new RejectedNoticeException(
                    owner.get().gatewayId().equals(gatewayId)
                            ? "certificate " + r.getSerial() + " is recorded already"
                            : "certificate " + r.getSerial() + " is recorded by gateway "
                                    + owner.get().gatewayId());
        }
        if (r.getKind() == DeviceKind.GATEWAY) {
            Set<String> others = own.otherHolders(r.getAccountUrl());
            if (!others.isEmpty()) {
                throw new RejectedNoticeException("account " + r.getAccountUrl() + " belongs to gateway "
                        + others.iterator().next());
            }
        }
    }
}
