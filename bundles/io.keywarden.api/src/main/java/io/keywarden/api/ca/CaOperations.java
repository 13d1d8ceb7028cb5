package io.keywarden.api.ca;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;

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

    /**
     * Proves that {@code accountKey} controls {@code accountUrl} at this CA: an authenticated POST-as-GET of the
     * account (RFC 8555 §7.3.3), signed with that key under that account URL, which the CA answers only for the key
     * it currently binds to the account.
     *
     * @param directoryUrl the directory the account is claimed at; refused unless it is this CA's
     * @return the account's status as the CA reports it ({@code valid}, {@code deactivated}, {@code revoked})
     * @throws CaOperationException transient (CA unreachable: prove later) or definitive (the key does not control
     *     that account at this CA, or another CA is named)
     * @since 1.1
     */
    String verifyAccount(String directoryUrl, String accountUrl, KeyPair accountKey) throws CaOperationException;

    /**
     * The certificate of every valid order of the account, as the CA lists them (RFC 8555 §7.1.2.1, the account's
     * {@code orders} URL), after a fresh login with the account key: what the account holds, whatever anyone reports.
     *
     * @return each certificate's chain, end-entity first
     * @since 1.1
     */
    List<List<X509Certificate>> listCertificates(String accountUrl, KeyPair accountKey) throws CaOperationException;

    /**
     * As {@link #listCertificates(String, KeyPair)}, handing each certificate to {@code each} as soon as the CA gave
     * it (possibly from several threads at once), so the caller can act on the first before the last is fetched. An
     * order whose certificate the CA no longer serves is left out (Pebble serves no revoked certificate).
     *
     * @since 1.2
     */
    default void listCertificates(String accountUrl, KeyPair accountKey, Consumer<List<X509Certificate>> each)
            throws CaOperationException {
        for (List<X509Certificate> chain : listCertificates(accountUrl, accountKey)) {
            each.accept(chain);
        }
    }
}
