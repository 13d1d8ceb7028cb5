package io.keywarden.revocation.internal.request;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** At most N requests per requester in any sliding minute. In memory: a restart forgives, the nonces do not. */
public final class RateLimiter {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private final int perMinute;
    private final Map<String, Deque<Instant>> recent = new HashMap<>();

    public RateLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    public synchronized boolean allow(String requester, Instant now) {
        Deque<Instant> q = recent.computeIfAbsent(requester, r -> new ArrayDeque<>());
        while (!q.isEmpty() && !q.peekFirst().isAfter(now.minus(MINUTE))) {
            q.removeFirst();
        }
        if (q.size() >= perMinute) {
            return false;
        }
        q.addLast(now);
        return true;
    }
}
