package io.keywarden.revocation.internal.request;

import java.util.List;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationRequest;

/**
 * The outcome of checking one signed request: accepted with the certificates (and, for a compromised gateway, the
 * accounts) it targets, or refused with the reason. {@code request} is what the payload claimed, null when unreadable.
 */
public record Decision(
        RevocationRequest request,
        RefusalReason refusal,
        String detail,
        List<CertificateRecord> certificates,
        List<String> accountsToDeactivate) {

    static Decision refused(RevocationRequest claimed, RefusalReason reason, String detail) {
        return new Decision(claimed, reason, detail, List.of(), List.of());
    }

    static Decision accepted(RevocationRequest request, List<CertificateRecord> certificates, List<String> accounts) {
        return new Decision(request, null, null, List.copyOf(certificates), List.copyOf(accounts));
    }

    public boolean isAccepted() {
        return refusal == null;
    }
}
