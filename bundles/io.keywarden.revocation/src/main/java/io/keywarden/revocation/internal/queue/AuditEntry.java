package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** One audit line the queue asks for: its event name and fields. */
public record AuditEntry(String event, Map<String, Object> fields) {
    public AuditEntry {
        requireNonNull(event, "event");
        requireNonNull(fields, "fields");
    }
}
