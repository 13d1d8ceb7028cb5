package io.keywarden.est.internal.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed credential attempts per source address in a sliding window. A source that reached the limit is refused
 * before its credentials are looked at. The table is bounded: when full, the oldest sources are forgotten first (an
 * attacker with that many addresses gains little, each one still has only a few guesses).
 */
public final class SourceAttempts {
    private static final class Window {
        Instant start;
        int failures;
    }

    private final int maxFailures;
    private final Duration window;
    private final int maxSources;
    private final Clock clock;
    private final LinkedHashMap<String, Window> bySource = new LinkedHashMap<>(64, 0.75f, true);

    public SourceAttempts(int maxFailures, Duration window, int maxSources, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.maxSources = maxSources;
        this.clock = clock;
    }

    /** True when the source may try credentials now. */
    public synchronized boolean allowed(String source) {
        Window w = current(source, false);
        return w == null || w.failures < maxFailures;
    }

    public synchronized void failed(String source) {
        current(source, true).failures++;
    }

    private Window current(String source, boolean create) {
        Instant now = clock.instant();
        Window w = bySource.get(source);
        if (w != null && now.isAfter(w.start.plus(window))) {
            bySource.remove(source);
            w = null;
        }
        if (w == null && create) {
            w = new Window();
            w.start = now;
            bySource.put(source, w);
            Iterator<Map.Entry<String, Window>> it = bySource.entrySet().iterator();
            while (bySource.size() > maxSources && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        return w;
    }
}
