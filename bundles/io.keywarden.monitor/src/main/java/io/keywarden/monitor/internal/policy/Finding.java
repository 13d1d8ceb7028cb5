package io.keywarden.monitor.internal.policy;

import java.util.Map;

/**
 * A rule that fired, with what was seen; the monitor turns it into an incident. {@code subject} tells apart findings
 * of one rule about different things (one unknown executable from another), so that repeated alerts fold per
 * subject; report and rate findings have none.
 */
public record Finding(Rule rule, Map<String, String> evidence, String subject) {

    public Finding {
        evidence = Map.copyOf(evidence);
    }

    public Finding(Rule rule, Map<String, String> evidence) {
        this(rule, evidence, "");
    }
}
