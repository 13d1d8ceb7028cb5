package io.keywarden.monitor.internal.policy;

import java.util.Map;

/** A rule that fired, with what was seen; the monitor turns it into an incident. */
public record Finding(Rule rule, Map<String, String> evidence) {

    public Finding {
        evidence = Map.copyOf(evidence);
    }
}
