package io.keywarden.api.revocation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** A snapshot of one submitted request and what became of it. */
@ProviderType
public interface RevocationTicket {

    String getId();

    TicketState getState();

    /** The verified request; absent only when it was refused as malformed. */
    Optional<RevocationRequest> getRequest();

    /** Why it was refused, when {@link #getState()} is {@link TicketState#REFUSED}. */
    Optional<RefusalReason> getRefusalReason();

    /** A sentence for people: the refusal's detail, or the CA's last error while retrying or after failing. */
    Optional<String> getDetail();

    Instant getSubmittedAt();

    /** One entry per targeted certificate (empty when refused). */
    List<CertificateRevocation> getCertificates();

    /** For a compromised gateway: whether its ACME account has been deactivated. */
    boolean isAccountDeactivated();

    /** Attempts made at the CA so far. */
    int getAttempts();

    /** When the next attempt is due, while retrying. */
    Optional<Instant> getNextAttemptAt();
}
