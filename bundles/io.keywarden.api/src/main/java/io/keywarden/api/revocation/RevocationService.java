package io.keywarden.api.revocation;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Takes signed revocation requests from authenticated, authorized parties and gets the certificates revoked at the
 * CA on the device's behalf.
 */
@ProviderType
public interface RevocationService {

    /**
     * Checks a signed request (signature, requester, scope, nonce, issue time, rate) and, when it passes, journals
     * it durably and denies the targeted certificates locally before returning. Never throws for a bad request: the
     * returned ticket is then {@link TicketState#REFUSED} and says why.
     *
     * @param signedRequest a JWS in compact serialization, see {@link RevocationRequestSigner}
     */
    RevocationTicket submit(String signedRequest);

    Optional<RevocationTicket> getTicket(String ticketId);

    /** Every ticket, newest first. */
    List<RevocationTicket> getTickets();

    /** Completes with the ticket once it is settled ({@link TicketState#isSettled()}). */
    CompletionStage<RevocationTicket> whenSettled(String ticketId);

    /**
     * The progress of every ticket on its way to the CA now (accepted or retrying, not settled), oldest first.
     *
     * @since 1.3
     */
    List<RevocationProgress> getProgress();

    /**
     * The progress of one ticket, settled or not.
     *
     * @since 1.3
     */
    Optional<RevocationProgress> getProgress(String ticketId);
}
