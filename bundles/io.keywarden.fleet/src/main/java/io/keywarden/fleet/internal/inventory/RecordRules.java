package io.keywarden.fleet.internal.inventory;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * What one entry of a gateway's issuance log may record. A gateway speaks only for itself and for what its own
 * account ordered; every record is a certificate of the fleet's CA with the serial it claims; a certificate is
 * recorded once; no account or certificate is claimed by two gateways (otherwise a compromised gateway could list
 * another gateway's account and have it deactivated with its own, or another's certificates and have them denied
 * fleet-wide with its own).
 */
final class RecordRules {

    private RecordRules() {}

    static void check(
            GatewayInventory own, CertificateRecord r, Collection<GatewayInventory> all, Set<TrustAnchor> roots)
            throws RejectedNoticeException {
        String gatewayId = own.gatewayId();
        if (r.getKind() == DeviceKind.GATEWAY && !r.getDeviceId().equals(gatewayId)) {
            throw new RejectedNoticeException("records gateway " + r.getDeviceId() + ", not itself");
        }
        Set<String> accounts = own.accounts();
        if (r.getKind() != DeviceKind.GATEWAY && !accounts.contains(r.getAccountUrl())) {
            throw new RejectedNoticeException(r.getDeviceId() + " (" + r.getSerial() + ") was ordered by "
                    + r.getAccountUrl() + ", not by the gateway's account " + accounts);
        }
        X509Certificate leaf = r.getCertificate();
        if (!leaf.getSerialNumber().toString(16).equals(r.getSerial())) {
            throw new RejectedNoticeException("record " + r.getSerial() + " carries certificate "
                    + leaf.getSerialNumber().toString(16));
        }
        Instant mid = r.getNotBefore()
                .plus(Duration.between(r.getNotBefore(), r.getNotAfter()).dividedBy(2));
        GatewayEnvelope.checkChain(r.getChain(), roots, mid);
        if (own.getBySerial(r.getSerial()).isPresent()) {
            throw new RejectedNoticeException("certificate " + r.getSerial() + " is recorded already");
        }
        for (GatewayInventory other : all) {
            if (other.gatewayId().equals(gatewayId)) {
                continue;
            }
            if (r.getKind() == DeviceKind.GATEWAY && other.accounts().contains(r.getAccountUrl())) {
                throw new RejectedNoticeException(
                        "account " + r.getAccountUrl() + " belongs to gateway " + other.gatewayId());
            }
            if (other.getBySerial(r.getSerial()).isPresent()) {
                throw new RejectedNoticeException(
                        "certificate " + r.getSerial() + " is recorded by gateway " + other.gatewayId());
            }
        }
    }
}
