package io.keywarden.est.internal.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.est.EstEvents;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.support.http.RateLimitedLog;
import io.keywarden.support.http.RefusalCounter;
import io.keywarden.support.http.RefusalSink;

/**
 * Where every EST outcome goes: a line in the audit log (rotated at a size limit, so a flood of refusals cannot fill
 * the disk), an EventAdmin event, a counter, and a log line, at most a few a second (the rest are counted and the
 * number shown with the next line).
 */
public final class EstAudit implements RefusalSink {
    private static final Logger LOG = LoggerFactory.getLogger(EstAudit.class);

    private final Path file;
    private final long maxBytes;
    private final Clock clock;
    private final BiConsumer<String, Map<String, Object>> events;
    private final RateLimitedLog log = new RateLimitedLog(LOG, 5);
    private final Map<Integer, AtomicLong> refusedByStatus = new ConcurrentHashMap<>();
    private final RefusalCounter connectionRefusals;
    private final AtomicLong issued = new AtomicLong();

    public EstAudit(Path file, long maxBytes, Clock clock, BiConsumer<String, Map<String, Object>> events)
            throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.events = events;
        Files.createDirectories(file.getParent());
        this.connectionRefusals = new RefusalCounter(clock::millis);
    }

    public void issued(
            String operation, String deviceId, String authentication, String serial, boolean rekey, String source) {
        issued.incrementAndGet();
        write("ISSUED op=" + operation + " device=" + deviceId + " auth=" + authentication + " serial=" + serial
                + " rekey=" + rekey + " source=" + source);
        Map<String, Object> p = new HashMap<>();
        p.put(EstEvents.PROPERTY_OPERATION, operation);
        p.put(EstEvents.PROPERTY_DEVICE_ID, deviceId);
        p.put(EstEvents.PROPERTY_AUTHENTICATION, authentication);
        p.put(EstEvents.PROPERTY_SERIAL, serial);
        p.put(EstEvents.PROPERTY_REKEY, rekey);
        p.put(EstEvents.PROPERTY_SOURCE, source);
        events.accept(EstEvents.TOPIC_ISSUED, p);
        LOG.info(
                "EST {} of {} ({}): serial {}{}",
                operation,
                deviceId,
                authentication,
                serial,
                rekey ? ", new key" : "");
    }

    /** A refused HTTP request. */
    public void refused(String operation, int status, String reason, String deviceId, String source) {
        refusedByStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        write("REFUSED op=" + operation + " status=" + status + " device=" + (deviceId == null ? "-" : deviceId)
                + " source=" + source + " reason=" + reason.replace('\n', ' '));
        Map<String, Object> p = new HashMap<>();
        p.put(EstEvents.PROPERTY_OPERATION, operation);
        p.put(EstEvents.PROPERTY_STATUS, status);
        p.put(EstEvents.PROPERTY_REASON, reason);
        p.put(EstEvents.PROPERTY_SOURCE, source);
        if (deviceId != null) {
            p.put(EstEvents.PROPERTY_DEVICE_ID, deviceId);
        }
        events.accept(EstEvents.TOPIC_REFUSED, p);
        log.warn(
                "EST {} refused ({}) for {} from {}: {}",
                operation,
                status,
                deviceId == null ? "-" : deviceId,
                source,
                reason);
    }

    /**
     * A connection closed before or instead of an HTTP exchange. Counted each time; posted at most once a second per
     * kind with the count since the last post (under a flood, one event per connection would be the flood).
     */
    @Override
    public void refusedConnection(ConnectionRefusal kind, String source) {
        long count = connectionRefusals.count(kind);
        long pending = connectionRefusals.pending(kind);
        if (count > 0) {
            Map<String, Object> p = new HashMap<>();
            p.put(EstEvents.PROPERTY_OPERATION, "connection");
            p.put(EstEvents.PROPERTY_REASON, kind.name().toLowerCase().replace('_', ' '));
            p.put(EstEvents.PROPERTY_SOURCE, source);
            p.put(EstEvents.PROPERTY_COUNT, count);
            events.accept(EstEvents.TOPIC_REFUSED, p);
            write("REFUSED op=connection reason=" + kind.name().toLowerCase() + " source=" + source + " count="
                    + count);
        }
        log.warn("EST connection from {} closed: {} ({} pending report)", source, kind, pending);
    }

    public long refusedCount(int status) {
        AtomicLong n = refusedByStatus.get(status);
        return n == null ? 0 : n.get();
    }

    public long connectionRefusals(ConnectionRefusal kind) {
        return connectionRefusals.total(kind);
    }

    public long issuedCount() {
        return issued.get();
    }

    public Path file() {
        return file;
    }

    private synchronized void write(String line) {
        try {
            if (Files.exists(file) && Files.size(file) > maxBytes) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(
                    file,
                    clock.instant() + " " + line + "\n",
                    UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("Cannot write the EST audit log {}: {}", file, e.toString());
        }
    }
}
