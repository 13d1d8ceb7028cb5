package io.keywarden.api.monitor;

/**
 * A process on the gateway, read from /proc.
 *
 * @param pid process id
 * @param executable the path /proc/&lt;pid&gt;/exe points to, or null when not readable (kernel threads, other users)
 * @param sha256 lowercase hex SHA-256 of that executable, or null when it cannot be read
 * @param commandLine the arguments joined by spaces
 */
public record ProcessInfo(long pid, String executable, String sha256, String commandLine) {}
