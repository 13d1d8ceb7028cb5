package io.keywarden.acme.internal.challenge;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.support.http.RateLimitedLog;
import io.keywarden.support.http.RefusalCounter;
import io.keywarden.support.http.RefusalSink;

/**
 * What the http-01 responder refused: every connection refusal is counted and posted (at most once a second per kind,
 * with the number since the last post: under a flood one event per connection would be the flood), requests Jetty
 * refused itself (head too large, malformed) too; the log is rate-limited.
 */
final class Http01Refusals implements RefusalSink {
    private static final Logger LOG = LoggerFactory.getLogger(Http01Refusals.class);
    private static final String MALFORMED = "malformed request";

    private final Consumer<Map<String, Object>> post;
    private final RefusalCounter counter = new RefusalCounter(System::currentTimeMillis);
    private final RateLimitedLog log = new RateLimitedLog(LOG, 5);
    private long malformed;
    private long malformedUnposted;
    private long malformedPostedAt;

    /** @param post posts the properties of one {@link EnrollmentEvents#TOPIC_HTTP01_REFUSED} event; must not block */
    Http01Refusals(Consumer<Map<String, Object>> post) {
        this.post = post;
    }

    @Override
    public void refusedConnection(ConnectionRefusal kind, String source) {
        long count = counter.count(kind);
        if (count > 0) {
            post(kind.name().toLowerCase(Locale.ROOT).replace('_', ' '), source, count);
        }
        log.warn("http-01 responder: connection from {} refused: {} ({} so far)", source, kind, counter.total(kind));
    }

    /** A request Jetty refused itself (head too large, malformed HTTP). */
    void refused(int status, String reason, String source) {
        long count;
        synchronized (this) {
            malformed++;
            malformedUnposted++;
            long now = System.currentTimeMillis();
            count = now - malformedPostedAt < 1000 ? 0 : malformedUnposted;
            if (count > 0) {
                malformedPostedAt = now;
                malformedUnposted = 0;
            }
        }
        if (count > 0) {
            post(MALFORMED + " (" + status + ")", source, count);
        }
        log.warn("http-01 responder: request from {} refused by Jetty: {} {}", source, status, reason);
    }

    /** Connection refusals of this kind since the responder was created. */
    long total(ConnectionRefusal kind) {
        return counter.total(kind);
    }

    /** Requests Jetty refused itself since the responder was created. */
    synchronized long malformed() {
        return malformed;
    }

    private void post(String reason, String source, long count) {
        Map<String, Object> p = new HashMap<>();
        p.put(EnrollmentEvents.PROPERTY_REASON, reason);
        p.put(EnrollmentEvents.PROPERTY_SOURCE, source);
        p.put(EnrollmentEvents.PROPERTY_COUNT, count);
        try {
            post.accept(p);
        } catch (RuntimeException e) {
            LOG.debug("http-01 refusal not posted: {}", e.toString());
        }
    }
}
