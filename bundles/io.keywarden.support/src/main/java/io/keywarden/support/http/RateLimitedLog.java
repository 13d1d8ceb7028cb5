package io.keywarden.support.http;

import org.slf4j.Logger;

/** At most a few warnings a second; the number skipped is shown with the next one written. */
public final class RateLimitedLog {
    private final Logger log;
    private final int perSecond;
    private long second;
    private int written;
    private long skipped;

    public RateLimitedLog(Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    public void warn(String format, Object... args) {
        long s;
        synchronized (this) {
            long now = System.currentTimeMillis() / 1000;
            if (now != second) {
                second = now;
                written = 0;
            }
            if (written >= perSecond) {
                skipped++;
                return;
            }
            written++;
            s = skipped;
            skipped = 0;
        }
        if (s > 0) {
            log.warn("({} similar lines skipped)", s);
        }
        log.warn(format, args);
    }
}
