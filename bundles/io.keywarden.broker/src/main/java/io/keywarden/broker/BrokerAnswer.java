package io.keywarden.broker;

import static java.util.Objects.requireNonNull;

/**
 * What a broker said to a containment command.
 *
 * @param accepted true when the broker carried the command out (or had already)
 * @param detail   the broker's own words, for the audit trail (never a secret)
 */
public record BrokerAnswer(boolean accepted, String detail) {
    public BrokerAnswer {
        requireNonNull(detail, "detail");
    }
}
