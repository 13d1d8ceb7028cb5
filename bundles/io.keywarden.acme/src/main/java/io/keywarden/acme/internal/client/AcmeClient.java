package io.keywarden.acme.internal.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.AcmeJsonResource;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.challenge.ChallengeSolver;
import io.keywarden.acme.internal.challenge.ChallengeSolvers;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.EnrollmentException;

/**
 * The gateway's ACME client: one session (one HTTP connection pool, a pool of nonces) and one account, shared
 * by every order this gateway places for itself and its sensors. Thread-safe; concurrent orders sign and send
 * their requests in parallel ({@link NoncePoolSession}).
 */
public final class AcmeClient implements CertificateAuthority, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeClient.class);
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(2);

    private final GatewayOptions options;
    private final StateStore store;
    private final ChallengeSolvers solvers;
    private final Clock clock;
    private final Session session;
    private final AnchoredAcmeProvider provider;
    private volatile Login login;
    /** Whether the CA's directory offers renewalInfo (ARI); null until the directory was read. */
    private volatile Boolean ariOffered;

    private volatile Login holderLogin;

    public AcmeClient(GatewayOptions options, StateStore store, ChallengeSolvers solvers, Clock clock)
            throws GeneralSecurityException {
        this.options = requireNonNull(options, "options");
        this.store = requireNonNull(store, "store");
        this.solvers = requireNonNull(solvers, "solvers");
        this.clock = requireNonNull(clock, "clock");
        this.provider = new AnchoredAcmeProvider(options.getTrustAnchors());
        this.session = new NoncePoolSession(options.getDirectoryUrl(), provider);
        session.networkSettings().setTimeout(options.getRequestTimeout());
    }

    /** The account, registered on first use and reused from the store afterwards. */
    public Login login() throws EnrollmentException {
        Login l = login;
        if (l != null) {
            return l;
        }
        synchronized (this) {
            if (login == null) {
                login = loginOrRegister();
            }
            return login;
        }
    }

    @Override
    public Optional<String> accountUrl() {
        Login l = login;
        if (l != null) {
            return Optional.of(l.getAccountLocation().toString());
        }
        // not logged in yet in this run (e.g. after a restart with a valid certificate): the stored account
        try {
            return store.accountUrl(options.getDirectoryUrl());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Login loginOrRegister() throws EnrollmentException {
        try {
            KeyPair accountKey = store.accountKey(options.getDirectoryUrl(), KeyType.EC_P256::generate);
            Optional<String> known = store.accountUrl(options.getDirectoryUrl());
            if (known.isPresent()) {
                LOG.info("Reusing ACME account {}", known.get());
                depositEscrow(known.get(), accountKey);
                return session.login(new URL(known.get()), accountKey);
            }
            AccountBuilder builder =
                    new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            options.getContactEmail().ifPresent(builder::addEmail);
            if (options.getEabKid().isPresent()) {
                builder.withKeyIdentifier(
                        options.getEabKid().get(), options.getEabHmacKey().orElseThrow());
            }
            // newAccount with a key the CA already knows returns that account, so a crash between registering
            // and saving the URL does not create a second account
            Login created = builder.createLogin(session);
            store.saveAccountUrl(
                    options.getDirectoryUrl(), created.getAccountLocation().toString());
            LOG.info("Registered ACME account {}", created.getAccountLocation());
            depositEscrow(created.getAccountLocation().toString(), accountKey);
            return created;
        } catch (AcmeException e) {
            throw Failures.translate("account registration", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new EnrollmentException("account key or state unreadable in " + store.getRoot() + ": " + e, e, false);
        }
    }

    /** With escrow configured: the account key, encrypted to the fleet authority, into the deposit directory. */
    private void depositEscrow(String accountUrl, KeyPair accountKey) throws IOException {
        if (options.getEscrowAuthorityKey().isEmpty()) {
            return;
        }
        Path file = new EscrowDepositor(
                        options.getEscrowAuthorityKey().get(),
                        options.getEscrowDepositDir().orElseThrow())
                .deposit(options.getDnsName(), options.getDirectoryUrl().toString(), accountUrl, accountKey);
        LOG.info("Account key of {} deposited for the fleet authority in {}", accountUrl, file);
    }

    Session session() {
        return session;
    }

    /**
     * The second account of this gateway, for the authorization-holder route: registered on first use, it never
     * orders certificates, it only proves control of names.
     */
    Login holderLogin() throws AcmeException, IOException, GeneralSecurityException {
        Login l = holderLogin;
        if (l == null) {
            synchronized (this) {
                if (holderLogin == null) {
                    KeyPair key = store.holderAccountKey(options.getDirectoryUrl(), KeyType.EC_P256::generate);
                    AccountBuilder builder =
                            new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
                    if (options.getEabKid().isPresent()) {
                        builder.withKeyIdentifier(
                                options.getEabKid().get(),
                                options.getEabHmacKey().orElseThrow());
                    }
                    holderLogin = builder.createLogin(session);
                }
                l = holderLogin;
            }
        }
        return l;
    }

    /**
     * Makes {@code holder} hold valid authorizations for every name: places an order (never finalized) and answers
     * its challenges with this gateway's solvers.
     */
    void proveControl(Login holder, List<String> names)
            throws AcmeException, EnrollmentException, InterruptedException {
        Instant deadline = clock.instant().plus(options.getOrderTimeout());
        List<ChallengeSolver.Published> published = new ArrayList<>();
        try {
            solvers.checkAll(names);
            Order order = holder.newOrder().domains(names).create();
            String what = "authorizations for " + names;
            Status s = authorize(order, published, deadline, what);
            if (s == Status.INVALID) {
                throw Challenges.invalid(order, what);
            }
        } finally {
            published.forEach(ChallengeSolver.Published::close);
        }
    }

    /**
     * Orders a certificate: resumes the journaled order when there is one that can still complete, else creates
     * one; answers the challenges with the solver each name's configuration picks and finalizes with the key or the
     * CSR. The solvers are checked first, so a configuration error (a DNS key the server refuses, a port that cannot
     * be bound) fails before the CA holds an order of ours.
     */
    @Override
    public IssuedCertificate order(OrderRequest request) throws EnrollmentException {
        Login l = login();
        Instant deadline = clock.instant().plus(options.getOrderTimeout());
        String what = "order for " + request.getNames();
        List<ChallengeSolver.Published> published = new ArrayList<>();
        try {
            solvers.checkAll(request.getNames());
            Order order = resumable(l, request, what).orElse(null);
            if (order == null) {
                order = l.newOrder().domains(request.getNames()).create();
                request.created(order.getLocation().toString());
                LOG.debug("{}: created {}", what, order.getLocation());
            }
            Status s = authorize(order, published, deadline, what);
            if (s == Status.INVALID) {
                throw Challenges.invalid(order, what);
            }
            if (s == Status.READY) {
                KeyCsr.finalizeOrder(order, request, what);
                // the finalize response often says "valid" already: look before fetching again
                s = order.getStatus();
                if (s != Status.VALID && s != Status.INVALID) {
                    s = poll(order, order::getStatus, Set.of(Status.VALID, Status.INVALID), deadline, what);
                }
            }
            if (s != Status.VALID) {
                throw new EnrollmentException(
                        what + ": order ended " + s
                                + order.getError().map(p -> ": " + p).orElse(""),
                        null,
                        true);
            }
            Certificate cert = order.getCertificate();
            cert.download();
            return new IssuedCertificate(
                    cert.getCertificateChain(),
                    cert.getLocation().toString(),
                    l.getAccountLocation().toString());
        } catch (AcmeException e) {
            throw Failures.translate(what, e);
        } catch (AcmeLazyLoadingException e) {
            // a getter that had to fetch the resource and failed: the same failure as a fetch, often a network one
            throw Failures.translate(what, Failures.cause(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException(what + ": interrupted", e, true);
        } catch (AcmeProtocolException e) {
            throw new EnrollmentException(what + ": the CA's answer broke the protocol: " + e.getMessage(), e, true);
        } finally {
            published.forEach(ChallengeSolver.Published::close);
        }
    }

    /** The journaled order, if it exists, is ours for the same names and can still end in a certificate. */
    private Optional<Order> resumable(Login l, OrderRequest request, String what) {
        if (request.getResumeUrl().isEmpty()) {
            return Optional.empty();
        }
        try {
            Order order = l.bindOrder(new URL(request.getResumeUrl().get()));
            order.fetch();
            List<String> names = new ArrayList<>();
            order.getIdentifiers().forEach(i -> names.add(i.getValue()));
            boolean sameNames = new TreeSet<>(names).equals(new TreeSet<>(request.getNames()));
            if (sameNames && order.getStatus() != Status.INVALID) {
                LOG.info("{}: resuming order {} ({})", what, order.getLocation(), order.getStatus());
                return Optional.of(order);
            }
            LOG.info("{}: journaled order {} is {}, placing a new one", what, order.getLocation(), order.getStatus());
        } catch (AcmeException | IOException | RuntimeException e) {
            LOG.info(
                    "{}: journaled order {} cannot be resumed ({}), placing a new one",
                    what,
                    request.getResumeUrl().get(),
                    e.toString());
        }
        return Optional.empty();
    }

    /**
     * Answers every authorization of the order that is not valid yet and waits until the order is ready (or
     * ended). Every response is published before the CA is told about any, and {@code published} collects them for
     * removal. The order, not each authorization, is polled: it is ready once every authorization is valid and
     * invalid once one failed (RFC 8555 §7.1.6), so one request per poll answers for all of them.
     */
    private Status authorize(Order order, List<ChallengeSolver.Published> published, Instant deadline, String what)
            throws AcmeException, InterruptedException, EnrollmentException {
        List<TokenChallenge> toTrigger = new ArrayList<>();
        for (Authorization auth : order.getAuthorizations()) {
            if (auth.getStatus() == Status.VALID) {
                continue;
            }
            String name = auth.getIdentifier().getDomain();
            ChallengeSolver solver = solvers.solverFor(name);
            TokenChallenge ch = Challenges.find(auth, solver.type(), what);
            String token = ch instanceof Http01Challenge h ? h.getToken() : null;
            published.add(solver.publish(name, token, ch.getAuthorization()));
            if (ch.getStatus() == Status.PENDING) {
                toTrigger.add(ch);
            }
        }
        for (TokenChallenge ch : toTrigger) {
            ch.trigger();
        }
        return poll(order, order::getStatus, Set.of(Status.READY, Status.VALID, Status.INVALID), deadline, what);
    }

    /** The CA's suggested renewal window (ARI, RFC 9773), only when its directory offers renewalInfo. */
    @Override
    public Optional<RenewalPlanner.Window> renewalWindow(X509Certificate certificate) {
        try {
            Boolean offered = ariOffered;
            if (offered == null) {
                // decided once: acme4j would otherwise re-read the directory whenever the CA sends no cache headers
                offered = session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
                ariOffered = offered;
            }
            if (!offered) {
                return Optional.empty();
            }
            RenewalInfo info = login().bindRenewalInfo(certificate);
            info.fetch();
            return Optional.of(new RenewalPlanner.Window(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd()));
        } catch (AcmeException | EnrollmentException | RuntimeException e) {
            LOG.debug(
                    "No renewal info for {}: {}", certificate.getSerialNumber().toString(16), e.toString());
            return Optional.empty();
        }
    }

    /**
     * Fetches the resource until its status is one of {@code done}, honouring Retry-After and otherwise
     * polling soon and then less often: a local CA answers in milliseconds, a remote one may take seconds.
     */
    private <T extends AcmeJsonResource> Status poll(
            T resource, Supplier<Status> status, Set<Status> done, Instant deadline, String what)
            throws AcmeException, InterruptedException, EnrollmentException {
        Duration pause = FIRST_POLL;
        while (true) {
            Optional<Instant> retryAfter = resource.fetch();
            Status s = status.get();
            if (done.contains(s)) {
                return s;
            }
            Instant now = clock.instant();
            if (now.isAfter(deadline)) {
                throw new EnrollmentException(
                        what + ": still " + s + " after "
                                + options.getOrderTimeout().toSeconds() + " s",
                        null,
                        true);
            }
            Duration wait = retryAfter
                    .map(t -> Duration.between(now, t))
                    .filter(d -> !d.isNegative())
                    .orElse(pause);
            Duration left = Duration.between(now, deadline);
            Thread.sleep(Math.max(1, Math.min(wait.toMillis(), left.toMillis())));
            pause = pause.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : pause.multipliedBy(2);
        }
    }

    /** Stops the HTTP client's threads; the session cannot be used afterwards. */
    @Override
    public void close() {
        provider.close();
    }
}
