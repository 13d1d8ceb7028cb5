package io.keywarden.broker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.broker.BrokerAnswer;
import io.keywarden.broker.BrokerContainment;
import io.keywarden.broker.internal.mosquitto.MosquittoDynsec;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.threads.ExecutorStop;
import io.keywarden.support.threads.NamedThreads;

/**
 * Broker containment wired for Mosquitto, with or without OSGi: the dynsec admin connection, the journaled
 * {@link ContainmentService} on its own thread, the reconnect watch, and operators' signed enable commands.
 */
public final class MosquittoContainment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MosquittoContainment.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keywarden-broker");
        t.setDaemon(true);
        return t;
    });
    /**
     * Ends contained identities' new sessions. Not the decision thread: behind a gateway's decision come its sensors'
     * (200 broker round trips in demo-fleet 200), and a reconnect must not wait for them all.
     */
    private final ExecutorService kicks =
            Executors.newSingleThreadExecutor(NamedThreads.single("keywarden-broker-kick"));
    /** Identities with a kick queued: a contained device reconnecting in a loop queues at most one at a time. */
    private final Set<String> kickQueued = ConcurrentHashMap.newKeySet();

    private final MosquittoDynsec dynsec;
    private final ContainmentService service;
    private final OperatorCommand operator;

    public MosquittoContainment(BrokerOptions options, Clock clock) throws IOException, GeneralSecurityException {
        this(options, clock, UnaryOperator.identity());
    }

    /** {@code decisionsThrough}: what the decisions are pushed through instead of the broker itself (tests). */
    MosquittoContainment(BrokerOptions options, Clock clock, UnaryOperator<BrokerContainment> decisionsThrough)
            throws IOException, GeneralSecurityException {
        char[] password = options.password();
        try {
            dynsec = new MosquittoDynsec(
                    options.url(), options.username(), password, options.socketFactory(), options.answerTimeout());
        } finally {
            Arrays.fill(password, '\0');
        }
        service = new ContainmentService(decisionsThrough.apply(dynsec), options.dataDir(), executor, clock);
        operator = options.operatorKey()
                .map(k -> new OperatorCommand(
                        k, options.operatorId(), options.dataDir().resolve("operator-commands.properties"), clock))
                .orElse(null);
        dynsec.watchReconnects(service::isContained, this::kickSoon);
        LOG.info("Broker containment: {}", options);
    }

    /** Pushes the journal and starts watching; connects in the background. */
    public MosquittoContainment start() {
        executor.execute(dynsec::warmUp);
        service.start();
        return this;
    }

    /** Disables an identity for a revocation ticket; returns at once, after the decision is journaled. */
    public void contain(String identity, String ticketId, String source) throws IOException {
        service.disable(identity, ticketId, source);
    }

    /** Disables every identity of one revocation ticket, journaled together; returns once they are journaled. */
    public void containAll(Collection<String> identities, String ticketId, String source) throws IOException {
        service.disableAll(identities, ticketId, source);
    }

    /**
     * Enables an identity again on an operator's signed command.
     *
     * @return the identity enabled
     * @throws RejectedNoticeException the command failed a check (audited); nothing changed
     */
    public String enable(String signedCommand) throws RejectedNoticeException, IOException {
        if (operator == null) {
            throw new RejectedNoticeException("no operator key configured: nothing can be enabled");
        }
        OperatorCommand.Verified v;
        try {
            v = operator.verify(signedCommand);
        } catch (RejectedNoticeException e) {
            service.note("enable-refused", "?", e.getMessage());
            throw e;
        }
        service.enable(v.identity(), "operator:" + v.jti(), v.operator());
        return v.identity();
    }

    public Set<String> contained() {
        return service.contained();
    }

    public boolean isContained(String identity) {
        return service.isContained(identity);
    }

    public Path auditFile() {
        return service.auditFile();
    }

    /** Queues the end of a contained identity's new session, unless one is queued already. */
    private void kickSoon(String identity) {
        if (!kickQueued.add(identity)) {
            return;
        }
        try {
            kicks.execute(() -> {
                // removed before the kick: a session seen while this one is being ended gets its own
                kickQueued.remove(identity);
                kick(identity);
            });
        } catch (RejectedExecutionException closing) {
            kickQueued.remove(identity);
        }
    }

    /** A contained identity connected again (Mosquitto 2.0 lets certificate identities in): end that session. */
    private void kick(String identity) {
        try {
            BrokerAnswer a = dynsec.kick(identity);
            service.note("reconnect-ended", identity, a.detail());
        } catch (IOException e) {
            service.note("reconnect-not-ended", identity, e.getMessage());
            LOG.warn("Contained {} connected again and could not be disconnected: {}", identity, e.getMessage());
        }
    }

    @Override
    public void close() {
        ExecutorStop.now(executor, Duration.ofSeconds(5));
        ExecutorStop.now(kicks, Duration.ofSeconds(5));
        dynsec.close();
    }
}
