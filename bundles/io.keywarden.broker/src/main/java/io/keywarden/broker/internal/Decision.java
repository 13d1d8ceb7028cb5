package io.keywarden.broker.internal;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One containment decision as journaled: disable or enable an identity at the broker, why (the ticket or operator
 * command), and from which source (a local revocation, a fleet notice, an operator).
 */
record Decision(long sequence, Action action, String identity, String reason, String source, Instant decidedAt) {

    enum Action {
        DISABLE,
        ENABLE
    }

    Decision {
        requireNonNull(action, "action");
        requireNonNull(identity, "identity");
        requireNonNull(reason, "reason");
        requireNonNull(source, "source");
        requireNonNull(decidedAt, "decidedAt");
        if (identity.isBlank()) {
            throw new IllegalArgumentException("empty identity");
        }
    }

    Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        m.put("sequence", Long.toString(sequence));
        m.put("action", action.name());
        m.put("identity", identity);
        m.put("reason", reason);
        m.put("source", source);
        m.put("decided.at", decidedAt.toString());
        return m;
    }

    static Decision fromMap(Map<String, String> m) {
        return new Decision(
                Long.parseLong(m.get("sequence")),
                Action.valueOf(m.get("action")),
                m.get("identity"),
                m.get("reason"),
                m.get("source"),
                Instant.parse(m.get("decided.at")));
    }
}
