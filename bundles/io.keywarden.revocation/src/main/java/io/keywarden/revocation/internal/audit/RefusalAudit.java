package io.keywarden.revocation.internal.audit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationTicket;

/**
 * Audits refusals without letting a sender who holds no key buy forced disk writes. A refusal decided before a
 * signature was verified (malformed, unknown requester, bad signature) costs its sender nothing, while an audit line
 * costs two forced writes (the line, the head file) and a log line. So in each window the first few of them are
 * audited one by one (a handful of honest mistakes keep their ticket id in the log), and the rest are counted and
 * written as one line when the window is over: how many, per reason, from when to when, and the first one as a
 * sample; the log gets the same lines (the counted ones at DEBUG only). Refusals after a verified signature (stale, replayed, rate
 * limited, out of scope, ...) come from a key holder and are each audited and logged.
 */
public final class RefusalAudit {
    public static final String REFUSED = "REFUSED";
    /** The one line per window for the unverified refusals that were only counted. */
    public static final String REFUSED_UNVERIFIED = "REFUSED_UNVERIFIED";

    private static final Logger LOG = LoggerFactory.getLogger(RefusalAudit.class);
    private static final Set<RefusalReason> UNVERIFIED =
            EnumSet.of(RefusalReason.MALFORMED, RefusalReason.UNKNOWN_REQUESTER, RefusalReason.BAD_SIGNATURE);
    private static final int SAMPLE_CHARS = 200;

    private final BiConsumer<String, Map<String, Object>> audit;
    private final Clock clock;
    private final Duration window;
    private final int individuallyPerWindow;

    private Instant windowStart;
    private int individually;
    private final Map<RefusalReason, Long> counted = new EnumMap<>(RefusalReason.class);
    private Instant firstCounted;
    private Instant lastCounted;
    private String sample;

    /**
     * @param audit appends one audit line (event, fields)
     * @param individuallyPerWindow how many unverified refusals per window get a line of their own
     */
    public RefusalAudit(
            BiConsumer<String, Map<String, Object>> audit, Clock clock, Duration window, int individuallyPerWindow) {
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.window = requireNonNull(window, "window");
        this.individuallyPerWindow = individuallyPerWindow;
        this.windowStart = clock.instant();
    }

    /** Whether the refusal was decided before any signature was verified. */
    public static boolean unverified(RefusalReason reason) {
        return UNVERIFIED.contains(reason);
    }

    /**
     * Audits (or counts) one refused ticket.
     *
     * @return true when it got an audit line of its own (worth an event), false when it was only counted
     */
    public boolean record(RevocationTicket t) {
        RefusalReason reason = t.getRefusalReason().orElseThrow();
        String detail = t.getDetail().orElse("");
        if (unverified(reason)) {
            synchronized (this) {
                flushIfDue();
                if (individually >= individuallyPerWindow) {
                    count(reason, detail);
                    LOG.debug("Unauthenticated revocation request refused ({}), counted: {}", reason, detail);
                    return false;
                }
                individually++;
            }
        }
        audit.accept(REFUSED, fields(t, reason, detail));
        LOG.warn("Revocation request refused ({}): {}", reason, detail);
        return true;
    }

    /** Writes the line of a window that is over; called periodically and by every unverified refusal. */
    public synchronized void flushIfDue() {
        if (Duration.between(windowStart, clock.instant()).compareTo(window) >= 0) {
            flush();
            windowStart = clock.instant();
            individually = 0;
        }
    }

    /** Writes what was counted so far (at the end of a window, and when the component stops). */
    public synchronized void flush() {
        if (counted.isEmpty()) {
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("count", counted.values().stream().mapToLong(Long::longValue).sum());
        Map<String, Object> byReason = new LinkedHashMap<>();
        counted.forEach((r, n) -> byReason.put(r.name(), n));
        f.put("refusals", byReason);
        f.put("from", firstCounted.toString());
        f.put("to", lastCounted.toString());
        f.put("sample", sample);
        counted.clear();
        audit.accept(REFUSED_UNVERIFIED, f);
        LOG.warn(
                "{} unauthenticated revocation requests refused from {} to {}: {}",
                f.get("count"),
                f.get("from"),
                f.get("to"),
                byReason);
    }

    private void count(RefusalReason reason, String detail) {
        Instant now = clock.instant();
        if (counted.isEmpty()) {
            firstCounted = now;
            sample = reason + ": " + (detail.length() > SAMPLE_CHARS ? detail.substring(0, SAMPLE_CHARS) : detail);
        }
        lastCounted = now;
        counted.merge(reason, 1L, Long::sum);
    }

    private static Map<String, Object> fields(RevocationTicket t, RefusalReason reason, String detail) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ticket", t.getId());
        t.getRequest().ifPresent(r -> {
            fields.put("requester", r.getRequester());
            fields.put("target", r.getTarget().toString());
            fields.put("nonce", r.getNonce());
        });
        fields.put("refusal", reason.name());
        fields.put("detail", detail);
        return fields;
    }
}
