package io.keywarden.api.ca;

import java.security.KeyPair;

import org.osgi.annotation.versioning.ProviderType;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRoute;

/**
 * The CA side of revocation, provided by the bundle that holds the ACME client (and the custodian account). Each
 * call is one attempt: the caller decides about retries from {@link CaOperationException#isTransient()}.
 */
@ProviderType
public interface CaOperations {

    /**
     * Asks the CA to revoke one certificate, signing the revokeCert request as the route says.
     *
     * @param escrowedAccountKey the ordering account's key, for {@link RevocationRoute#ESCROWED_ACCOUNT_KEY} only
     *            (may be null for the other routes)
     * @return {@link RevocationOutcome#ALREADY_REVOKED} when the CA says so: revoking twice changes nothing
     * @throws CaOperationException transient (retry later) or a definitive refusal of this route (try the next)
     */
    RevocationOutcome revoke(
            CertificateRecord certificate, RevocationReason reason, RevocationRoute route, KeyPair escrowedAccountKey)
            throws CaOperationException;

    /**
     * Deactivates an ACME account (RFC 8555 §7.3.6): it can then neither order nor revoke. Idempotent.
     *
     * @return true if this call deactivated it, false if it was deactivated already
     */
    boolean deactivateAccount(String accountUrl, KeyPair accountKey) throws CaOperationException;
}
