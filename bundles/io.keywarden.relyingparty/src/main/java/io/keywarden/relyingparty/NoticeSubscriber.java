package io.keywarden.relyingparty;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the authority's signed revocation notices from any message source, verifies each exactly as the gateways do
 * ({@link NoticeCodec#verify}) and applies the verified ones to a {@link DenySet}. A message that fails a check
 * changes nothing. Safe to call from several threads.
 */
public final class NoticeSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(NoticeSubscriber.class);

    /** Told of every serial a verified notice denied for the first time, after it is on disk. */
    @FunctionalInterface
    public interface Listener {
        void denied(Notice notice, Set<String> newlyDenied);
    }

    private final PublicKey authorityKey;
    private final String authorityId;
    private final DenySet denySet;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public NoticeSubscriber(PublicKey authorityKey, String authorityId, DenySet denySet) {
        this.authorityKey = requireNonNull(authorityKey, "authorityKey");
        this.authorityId = requireNonNull(authorityId, "authorityId");
        this.denySet = requireNonNull(denySet, "denySet");
        NoticeCodec.jwsAlgorithm(authorityKey);
    }

    public NoticeSubscriber addListener(Listener listener) {
        listeners.add(requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Verifies and applies one message (the payload of an MQTT message, an HTTP body, a file...). An empty message
     * (how an MQTT operator clears a retained topic) is ignored.
     *
     * @return the serials this notice denied for the first time (empty for a replay)
     * @throws RejectedNoticeException the message failed a check; nothing changed
     * @throws IOException the deny set could not be written; nothing changed, deliver the notice again
     */
    public Set<String> accept(byte[] message) throws RejectedNoticeException, IOException {
        if (message.length == 0) {
            return Set.of();
        }
        Notice notice = NoticeCodec.verify(message, authorityKey, authorityId);
        Set<String> added = denySet.apply(notice);
        if (!added.isEmpty()) {
            LOG.info("Notice {} from {}: denied {}", notice.ticketId(), notice.authority(), added);
            for (Listener l : listeners) {
                try {
                    l.denied(notice, added);
                } catch (RuntimeException e) {
                    LOG.warn("A notice listener failed: {}", e.toString());
                }
            }
        }
        return added;
    }

    public DenySet denySet() {
        return denySet;
    }
}
