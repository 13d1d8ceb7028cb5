package io.keywarden.api.monitor;

/** How bad an incident is, lowest first. */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
}
