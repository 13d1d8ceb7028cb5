package io.keywarden.acme.internal.engine;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.client.CertificateAuthority;
import io.keywarden.acme.internal.client.CsrCheck;
import io.keywarden.acme.internal.client.IssuedCertificate;
import io.keywarden.acme.internal.client.OrderRequest;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.DeviceEntry;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.KeyCustody;

/**
 * Turns a device's stored request into one order at the CA and the record of its certificate: picks the key
 * (held by the gateway) or the device's CSR, and journals the order so a crash resumes it instead of ordering twice.
 */
final class DeviceOrdering {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceOrdering.class);

    private final KeyType keyType;
    private final StateStore store;
    private final CertificateAuthority ca;
    private final Clock clock;

    DeviceOrdering(KeyType keyType, StateStore store, CertificateAuthority ca, Clock clock) {
        this.keyType = keyType;
        this.store = store;
        this.ca = ca;
        this.clock = clock;
    }

    /**
     * Orders the device's next certificate.
     *
     * @param currentIssuedAt when the device's current certificate was recorded, if it has one
     */
    CertificateRecord order(DeviceEntry entry, Optional<Instant> currentIssuedAt)
            throws EnrollmentException, IOException {
        String id = entry.getDeviceId();
        OrderRequest request;
        if (entry.getCustody() == KeyCustody.GATEWAY) {
            KeyPair kp;
            try {
                kp = store.deviceKey(id, keyType::generate);
            } catch (GeneralSecurityException e) {
                throw new EnrollmentException("key of " + id + " unreadable: " + e, e, false);
            }
            request = OrderRequest.withKey(entry.getIdentifiers(), kp);
        } else {
            // checked when it was accepted in this run, else (read from disk) now
            byte[] der = entry.getCheckedCsrDer()
                    .orElseGet(() -> CsrCheck.check(entry.getCsrPem().orElseThrow(), entry.getIdentifiers()));
            request = OrderRequest.withCsr(entry.getIdentifiers(), der);
        }
        // an order journaled before the current certificate was recorded is the one that produced it: not resumable
        Optional<String> pending = store.pendingOrder(id)
                .filter(p -> currentIssuedAt.isEmpty() || p.getValue().isAfter(currentIssuedAt.get()))
                .map(Map.Entry::getKey);
        IssuedCertificate issued = ca.order(request.journaled(pending, url -> {
            try {
                store.savePendingOrder(id, url, clock.instant());
            } catch (IOException e) {
                // the order goes on; only a crash before its certificate is recorded would now order twice
                LOG.warn("Cannot journal order {} of {}: {}", url, id, e.toString());
            }
        }));
        X509Certificate leaf = issued.getChain().get(0);
        return CertificateRecord.builder()
                .deviceId(id)
                .kind(entry.getKind())
                .identifiers(entry.getIdentifiers())
                .serial(leaf.getSerialNumber().toString(16))
                .notBefore(leaf.getNotBefore().toInstant())
                .notAfter(leaf.getNotAfter().toInstant())
                .chain(issued.getChain())
                .accountUrl(issued.getAccountUrl())
                .certificateUrl(issued.getLocation())
                .keyCustody(entry.getCustody())
                .status(CertificateStatus.CURRENT)
                .issuedAt(clock.instant())
                .build();
    }
}
