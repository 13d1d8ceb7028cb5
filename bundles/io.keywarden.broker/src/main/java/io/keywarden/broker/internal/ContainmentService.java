package io.keywarden.broker.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.broker.BrokerAnswer;
import io.keywarden.broker.BrokerContainment;
import io.keywarden.broker.internal.Decision.Action;

/**
 * Turns containment decisions into broker commands: each decision is journaled and audited first, then pushed through
 * the {@link BrokerContainment} on one thread, in order; an unreachable broker keeps the rest waiting and is retried
 * with capped backoff, a restart pushes whatever was journaled and not answered. The contained identities are kept
 * durably too (the Mosquitto side needs them to end a contained identity's later sessions).
 */
public final class ContainmentService {
    private static final Logger LOG = LoggerFactory.getLogger(ContainmentService.class);
    private static final long FIRST_RETRY_MILLIS = 250;
    private static final long MAX_RETRY_MILLIS = 30_000;
    /** Disables sent in one request (Mosquitto: 3 commands each, plus one; the answer stays well under 64 KiB). */
    static final int DISABLE_BATCH = 32;
    /** Decisions of one event journaled and audited together (after the first, which goes alone). */
    static final int JOURNAL_CHUNK = 32;

    private final BrokerContainment broker;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Journal journal;
    private final AuditTrail audit;
    private final Path containedFile;
    private final Path reasonsFile;
    /** identity → the reason (ticket or command) of its disabling. */
    private final Map<String, String> contained = new ConcurrentHashMap<>();
    /** reason + identity → action, every decision ever taken: a replayed decision changes nothing. */
    private final Map<String, String> decided;

    /** A push of the journal is queued on the executor and has not started. */
    private final AtomicBoolean pushQueued = new AtomicBoolean();

    private long retryMillis = FIRST_RETRY_MILLIS;
    private boolean retryScheduled;

    public ContainmentService(BrokerContainment broker, Path dataDir, ScheduledExecutorService executor, Clock clock)
            throws IOException {
        this.broker = requireNonNull(broker, "broker");
        this.executor = requireNonNull(executor, "executor");
        this.clock = requireNonNull(clock, "clock");
        this.journal = new Journal(dataDir.resolve("journal"));
        this.audit = new AuditTrail(dataDir.resolve("audit.log"), clock);
        this.containedFile = dataDir.resolve("contained.properties");
        this.reasonsFile = dataDir.resolve("decided.properties");
        contained.putAll(DurableFiles.readMap(containedFile));
        decided = new TreeMap<>(DurableFiles.readMap(reasonsFile));
        // a decision journaled by a run that stopped before it wrote the maps is taken all the same (it is pushed)
        for (Decision d : journal.pending()) {
            decided.putIfAbsent(d.reason() + "|" + d.identity(), d.action().name());
            if (d.action() == Action.DISABLE) {
                contained.putIfAbsent(d.identity(), d.reason());
            } else {
                contained.remove(d.identity());
            }
        }
    }

    /** Pushes what a previous run journaled and the broker never answered. */
    public void start() {
        executor.execute(this::pushPending);
    }

    /** Disables an identity because of a revocation (ticket) from a source; a replay of the same decision is ignored. */
    public void disable(String identity, String ticketId, String source) throws IOException {
        decide(Action.DISABLE, List.of(identity), ticketId, source);
    }

    /**
     * Disables the identities of one revocation (a compromised gateway and its sensors): each decision journaled, the
     * maps of decisions and contained identities written once for all of them rather than once each (a thousand
     * identities took tens of seconds when each rewrote both maps).
     */
    public void disableAll(Collection<String> identities, String ticketId, String source) throws IOException {
        decide(Action.DISABLE, identities, ticketId, source);
    }

    /** Enables an identity again; callers have verified an operator's signed command first. */
    public void enable(String identity, String commandId, String operator) throws IOException {
        decide(Action.ENABLE, List.of(identity), commandId, operator);
    }

    private void decide(Action action, Collection<String> identities, String reason, String source) throws IOException {
        boolean made = false;
        synchronized (this) {
            List<Decision> chunk = new ArrayList<>();
            for (String identity : new LinkedHashSet<>(identities)) {
                if (decided.containsKey(reason + "|" + identity)) {
                    audit.note("ignored", identity, action + " for " + reason + " again: a replay, nothing sent");
                    LOG.info("Ignored a replayed {} of {} ({})", action, identity, reason);
                    continue;
                }
                chunk.add(new Decision(journal.nextSequence(), action, identity, reason, source, clock.instant()));
                // the first identity goes to the broker while the rest are journaled (a gateway before its sensors)
                if (!made || chunk.size() == JOURNAL_CHUNK) {
                    take(chunk);
                    made = true;
                    chunk = new ArrayList<>();
                }
            }
            if (!chunk.isEmpty()) {
                take(chunk);
            }
            if (!made) {
                return;
            }
            DurableFiles.writeMap(reasonsFile, decided, "containment decisions taken: reason|identity=action");
            DurableFiles.writeMap(
                    containedFile, new TreeMap<>(contained), "identities disabled at the broker: identity=reason");
        }
        requestPush();
    }

    /**
     * Journals decisions (one durable file each, the directory forced once), then counts them as taken and audits
     * them (one write), then queues a push. Journaled before the maps are written: after a crash in between, the
     * journal's decisions are pushed at the next start and counted as taken (see the constructor).
     */
    private void take(List<Decision> chunk) throws IOException {
        journal.putAll(chunk);
        for (Decision d : chunk) {
            decided.put(d.reason() + "|" + d.identity(), d.action().name());
            if (d.action() == Action.DISABLE) {
                contained.put(d.identity(), d.reason());
            } else {
                contained.remove(d.identity());
            }
        }
        audit.recordAll("decided", chunk, Collections.nCopies(chunk.size(), "journaled"));
        requestPush();
    }

    /** Queues one push of the journal unless one is queued and has not started yet. */
    private void requestPush() {
        if (pushQueued.compareAndSet(false, true)) {
            executor.execute(() -> {
                pushQueued.set(false);
                pushPending();
            });
        }
    }

    public boolean isContained(String identity) {
        return contained.containsKey(identity);
    }

    public Set<String> contained() {
        return Set.copyOf(contained.keySet());
    }

    /** Audits something that is no decision (a refused command, a session ended on reconnect). */
    public void note(String event, String identity, String detail) {
        audit.note(event, identity, detail);
    }

    public Path auditFile() {
        return audit.file();
    }

    /**
     * Runs on the executor only. Consecutive disables go to the broker {@value #DISABLE_BATCH} at a time (one request,
     * one audit write each way, one journal sync); the order of the journal is kept.
     */
    private void pushPending() {
        try {
            List<Decision> pending = journal.pending();
            for (int i = 0; i < pending.size(); ) {
                int end = i;
                while (end < pending.size()
                        && end - i < DISABLE_BATCH
                        && pending.get(end).action() == Action.DISABLE) {
                    end++;
                }
                boolean pushed = end > i ? pushDisables(pending.subList(i, end)) : push(pending.get(i));
                if (!pushed) {
                    scheduleRetry();
                    return;
                }
                i = Math.max(end, i + 1);
            }
            retryMillis = FIRST_RETRY_MILLIS;
        } catch (IOException e) {
            LOG.error("Cannot read the broker containment journal: {}", e.getMessage());
            scheduleRetry();
        }
    }

    private boolean pushDisables(List<Decision> batch) throws IOException {
        if (batch.size() == 1) {
            return push(batch.get(0));
        }
        List<String> identities = batch.stream().map(Decision::identity).toList();
        audit.recordAll("sent", batch, Collections.nCopies(batch.size(), broker.name()));
        List<BrokerAnswer> answers;
        try {
            answers = broker.disableAll(identities);
        } catch (IOException e) {
            audit.recordAll("unreachable", batch, Collections.nCopies(batch.size(), String.valueOf(e.getMessage())));
            LOG.warn(
                    "Broker {} not reached for {} disables from {}: {}; kept in the journal",
                    broker.name(),
                    batch.size(),
                    identities.get(0),
                    e.getMessage());
            return false;
        }
        if (answers.size() != batch.size()) {
            String why = broker.name() + " gave " + answers.size() + " answers to " + batch.size() + " disables";
            audit.recordAll("unreachable", batch, Collections.nCopies(batch.size(), why));
            LOG.error("{}; kept in the journal", why);
            return false;
        }
        List<Decision> accepted = new ArrayList<>();
        List<Decision> refused = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            (answers.get(i).accepted() ? accepted : refused).add(batch.get(i));
            if (!answers.get(i).accepted()) {
                LOG.error(
                        "Broker {} refused DISABLE {}: {}",
                        broker.name(),
                        identities.get(i),
                        answers.get(i).detail());
            }
        }
        audit.recordAll("answered", accepted, details(batch, answers, true));
        audit.recordAll("refused", refused, details(batch, answers, false));
        LOG.info(
                "Broker {}: DISABLE of {} identities done ({} to {}), {} refused",
                broker.name(),
                accepted.size(),
                identities.get(0),
                identities.get(identities.size() - 1),
                refused.size());
        journal.removeAll(batch);
        return true;
    }

    private static List<String> details(List<Decision> batch, List<BrokerAnswer> answers, boolean accepted) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (answers.get(i).accepted() == accepted) {
                out.add(answers.get(i).detail());
            }
        }
        return out;
    }

    private boolean push(Decision d) throws IOException {
        audit.record("sent", d, broker.name());
        BrokerAnswer answer;
        try {
            answer = d.action() == Action.DISABLE ? broker.disable(d.identity()) : broker.enable(d.identity());
        } catch (IOException e) {
            audit.record("unreachable", d, String.valueOf(e.getMessage()));
            LOG.warn(
                    "Broker {} not reached for {} {}: {}; kept in the journal",
                    broker.name(),
                    d.action(),
                    d.identity(),
                    e.getMessage());
            return false;
        }
        audit.record(answer.accepted() ? "answered" : "refused", d, answer.detail());
        if (answer.accepted()) {
            LOG.info("Broker {}: {} {} done ({})", broker.name(), d.action(), d.identity(), d.reason());
        } else {
            LOG.error("Broker {} refused {} {}: {}", broker.name(), d.action(), d.identity(), answer.detail());
        }
        journal.remove(d);
        return true;
    }

    private synchronized void scheduleRetry() {
        if (retryScheduled || executor.isShutdown()) {
            return;
        }
        retryScheduled = true;
        long delay = retryMillis;
        retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
        executor.schedule(
                () -> {
                    synchronized (this) {
                        retryScheduled = false;
                    }
                    pushPending();
                },
                delay,
                TimeUnit.MILLISECONDS);
    }
}
