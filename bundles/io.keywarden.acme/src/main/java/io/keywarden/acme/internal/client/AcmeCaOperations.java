package io.keywarden.acme.internal.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRoute;

/**
 * Revocation and account deactivation at the CA, over the gateway's ACME session (same trust anchors, same nonce
 * chain). Each route signs the revokeCert request with a different key (RFC 8555 §7.6).
 */
public final class AcmeCaOperations implements CaOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeCaOperations.class);
    private static final String ACME = "urn:ietf:params:acme:error:";
    /** Problem types the same request may pass later. */
    private static final Set<String> TRANSIENT = Set.of("badNonce", "rateLimited", "serverInternal");

    /**
     * Orders fetched at once while listing (each is two requests: the order, then its certificate). One at a time, a
     * gateway with 1,000 certificates took ~20 s to list on a local Pebble.
     */
    static final int LISTING_PARALLEL = 8;

    private final AcmeClient client;
    private final StateStore store;

    public AcmeCaOperations(AcmeClient client, StateStore store) {
        this.client = requireNonNull(client, "client");
        this.store = requireNonNull(store, "store");
    }

    @Override
    public RevocationOutcome revoke(
            CertificateRecord record, RevocationReason reason, RevocationRoute route, KeyPair escrowedAccountKey)
            throws CaOperationException {
        String what = route + " revocation of " + record.getSerial();
        org.shredzone.acme4j.RevocationReason acmeReason = org.shredzone.acme4j.RevocationReason.code(reason.getCode());
        X509Certificate cert = record.getCertificate();
        try {
            switch (route) {
                case CUSTODIAN_ACCOUNT -> Certificate.revoke(custodian(record, what), cert, acmeReason);
                case ESCROWED_ACCOUNT_KEY -> {
                    if (escrowedAccountKey == null) {
                        throw refused(what, "no escrowed key of account " + record.getAccountUrl() + " is available");
                    }
                    Login login = client.session().login(url(record.getAccountUrl(), what), escrowedAccountKey);
                    Certificate.revoke(login, cert, acmeReason);
                }
                case CERTIFICATE_KEY ->
                    Certificate.revoke(client.session(), certificateKey(record, what), cert, acmeReason);
                case AUTHORIZATION_HOLDER -> {
                    Login holder = client.holderLogin();
                    client.proveControl(holder, record.getIdentifiers());
                    Certificate.revoke(holder, cert, acmeReason);
                }
                default -> throw new IllegalArgumentException("unknown route " + route);
            }
            LOG.info("{}: revoked ({})", what, reason);
            return RevocationOutcome.REVOKED;
        } catch (AcmeServerException e) {
            if (String.valueOf(e.getType()).equals(ACME + "alreadyRevoked")) {
                LOG.info("{}: already revoked", what);
                return RevocationOutcome.ALREADY_REVOKED;
            }
            throw classify(what, e);
        } catch (AcmeException e) {
            throw classify(what, e);
        } catch (AcmeLazyLoadingException e) {
            throw classify(what, Failures.cause(e));
        } catch (EnrollmentException e) {
            throw new CaOperationException(
                    what + ": " + e.getMessage(),
                    e,
                    e.isRetryable(),
                    null,
                    e.getRetryAfter().orElse(null));
        } catch (AcmeProtocolException e) {
            throw new CaOperationException(
                    what + ": the CA's answer broke the protocol: " + e.getMessage(), e, true, null, null);
        } catch (IOException | GeneralSecurityException e) {
            throw new CaOperationException(what + ": local state unreadable: " + e, e, false, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaOperationException(what + ": interrupted", e, true, null, null);
        }
    }

    @Override
    public boolean deactivateAccount(String accountUrl, KeyPair accountKey) throws CaOperationException {
        String what = "deactivation of account " + accountUrl;
        try {
            Login login = client.session().login(url(accountUrl, what), accountKey);
            login.getAccount().deactivate();
            LOG.info("{}: {}", what, login.getAccount().getStatus());
            return true;
        } catch (AcmeServerException e) {
            // the CA refuses every request of a deactivated account, this one included: the wanted state
            if (String.valueOf(e.getType()).equals(ACME + "unauthorized")
                    && e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("deactivated")) {
                LOG.info("{}: deactivated already", what);
                return false;
            }
            throw classify(what, e);
        } catch (AcmeException e) {
            throw classify(what, e);
        } catch (AcmeLazyLoadingException e) {
            throw classify(what, Failures.cause(e));
        } catch (AcmeProtocolException e) {
            throw new CaOperationException(
                    what + ": the CA's answer broke the protocol: " + e.getMessage(), e, true, null, null);
        }
    }

    @Override
    public String verifyAccount(String directoryUrl, String accountUrl, KeyPair accountKey)
            throws CaOperationException {
        String what = "proof of control of account " + accountUrl;
        String ours = client.session().getServerUri().toString();
        if (!ours.equals(directoryUrl)) {
            throw refused(what, "the deposit names the directory " + directoryUrl + ", this CA's is " + ours);
        }
        try {
            // a fresh login: a POST-as-GET of the account signed with this key under this account URL (kid)
            Login login = client.session().login(url(accountUrl, what), accountKey);
            login.getAccount().fetch();
            String status = login.getAccount().getStatus().name().toLowerCase(Locale.ROOT);
            LOG.info("{}: proven, account {}", what, status);
            return status;
        } catch (AcmeException e) {
            throw classify(what, e);
        } catch (AcmeLazyLoadingException e) {
            throw classify(what, Failures.cause(e));
        } catch (AcmeProtocolException e) {
            throw new CaOperationException(
                    what + ": the CA's answer broke the protocol: " + e.getMessage(), e, true, null, null);
        }
    }

    @Override
    public List<List<X509Certificate>> listCertificates(String accountUrl, KeyPair accountKey)
            throws CaOperationException {
        List<List<X509Certificate>> out = Collections.synchronizedList(new ArrayList<>());
        listCertificates(accountUrl, accountKey, out::add);
        return List.copyOf(out);
    }

    @Override
    public void listCertificates(String accountUrl, KeyPair accountKey, Consumer<List<X509Certificate>> each)
            throws CaOperationException {
        String what = "listing the orders of account " + accountUrl;
        try {
            Login login = client.session().login(url(accountUrl, what), accountKey);
            login.getAccount().fetch();
            List<Order> orders = new ArrayList<>();
            for (Iterator<Order> it = login.getAccount().getOrders(); it.hasNext(); ) {
                orders.add(it.next());
            }
            OrderFetches.Counts n = OrderFetches.certificatesOfValid(orders, LISTING_PARALLEL, each);
            LOG.info(
                    "{}: {} order(s), {} certificate(s), {} no longer served (revoked)",
                    what,
                    orders.size(),
                    n.listed(),
                    n.gone());
        } catch (AcmeException e) {
            throw classify(what, e);
        } catch (AcmeLazyLoadingException e) {
            throw classify(what, Failures.cause(e));
        } catch (AcmeProtocolException | IllegalStateException e) {
            throw new CaOperationException(
                    what + ": the CA's answer broke the protocol: " + e.getMessage(), e, true, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaOperationException(what + ": interrupted", e, true, null, null);
        }
    }

    private Login custodian(CertificateRecord record, String what) throws EnrollmentException, CaOperationException {
        Optional<String> ours = client.accountUrl();
        if (ours.isEmpty() || !ours.get().equals(record.getAccountUrl())) {
            throw refused(
                    what,
                    "the certificate was ordered by " + record.getAccountUrl() + ", not by this gateway's " + "account "
                            + ours.orElse("(none)"));
        }
        return client.login();
    }

    private KeyPair certificateKey(CertificateRecord record, String what)
            throws IOException, GeneralSecurityException, CaOperationException {
        if (record.getKeyCustody() != KeyCustody.GATEWAY) {
            throw refused(what, "the key of " + record.getDeviceId() + " is held by the device, not the gateway");
        }
        Optional<KeyPair> kp = store.loadDeviceKey(record.getDeviceId());
        if (kp.isEmpty()
                || !Arrays.equals(
                        kp.get().getPublic().getEncoded(),
                        record.getCertificate().getPublicKey().getEncoded())) {
            throw refused(what, "the gateway no longer holds the key of this certificate (rekeyed since)");
        }
        return kp.get();
    }

    private static URL url(String url, String what) throws CaOperationException {
        try {
            return new URL(url);
        } catch (MalformedURLException e) {
            throw refused(what, "not a URL: " + url);
        }
    }

    private static CaOperationException refused(String what, String why) {
        return new CaOperationException(what + ": " + why, null, false, null, null);
    }

    /** Sorts a CA failure into one worth retrying as it is and a refusal of this route. */
    static CaOperationException classify(String what, AcmeException e) {
        if (e instanceof AcmeRateLimitedException r) {
            return new CaOperationException(
                    what + ": rate limited: " + e.getMessage(),
                    e,
                    true,
                    String.valueOf(r.getType()),
                    r.getRetryAfter().orElse(null));
        }
        if (e instanceof CaBusyException b) {
            return new CaOperationException(
                    what + ": CA busy: " + e.getMessage(),
                    e,
                    true,
                    null,
                    b.retryAfter().orElse(null));
        }
        if (e instanceof AcmeNetworkException) {
            return new CaOperationException(what + ": CA unreachable: " + Failures.rootMessage(e), e, true, null, null);
        }
        if (e instanceof AcmeServerException s) {
            String type = String.valueOf(s.getType());
            boolean transientType = type.startsWith(ACME) && TRANSIENT.contains(type.substring(ACME.length()));
            return new CaOperationException(
                    what + ": CA answered " + type + ": " + e.getMessage(), e, transientType, type, null);
        }
        // an HTTP error without a problem document: a CA restarting or a proxy in front of it
        return new CaOperationException(what + ": " + e.getMessage(), e, true, null, null);
    }
}
