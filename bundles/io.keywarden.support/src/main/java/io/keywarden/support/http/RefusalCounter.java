package io.keywarden.support.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts connection refusals by kind and says when to post them: at most once a second per kind, with the number
 * since the last post (under a flood, one event per connection would be the flood).
 */
public final class RefusalCounter {
    private final LongSupplier millis;
    private final Map<ConnectionRefusal, AtomicLong> total = new EnumMap<>(ConnectionRefusal.class);
    private final Map<ConnectionRefusal, AtomicLong> unposted = new EnumMap<>(ConnectionRefusal.class);
    private final Map<ConnectionRefusal, Long> lastPosted = new EnumMap<>(ConnectionRefusal.class);

    public RefusalCounter(LongSupplier millis) {
        this.millis = millis;
        for (ConnectionRefusal r : ConnectionRefusal.values()) {
            total.put(r, new AtomicLong());
            unposted.put(r, new AtomicLong());
            lastPosted.put(r, 0L);
        }
    }

    /** Counts one; returns how many to post now (this one included), or 0 when the post waits for the next second. */
    public long count(ConnectionRefusal kind) {
        total.get(kind).incrementAndGet();
        unposted.get(kind).incrementAndGet();
        long now = millis.getAsLong();
        synchronized (lastPosted) {
            if (now - lastPosted.get(kind) < 1000) {
                return 0;
            }
            lastPosted.put(kind, now);
        }
        return unposted.get(kind).getAndSet(0);
    }

    /** Refusals of this kind since the start. */
    public long total(ConnectionRefusal kind) {
        return total.get(kind).get();
    }

    /** Not yet posted (shown in the log line). */
    public long pending(ConnectionRefusal kind) {
        return unposted.get(kind).get();
    }
}
