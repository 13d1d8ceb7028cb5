package io.keywarden.monitor.internal.report;

import java.util.List;

/**
 * A sensor's status report as the schema {@value ReportParser#SCHEMA} defines it: what it runs and whom it talked to
 * since its last report. Everything in it is the sensor's claim; the gateway's own observations are kept apart.
 */
public record StatusReport(long sequence, Firmware firmware, List<Task> tasks, List<Peer> peers) {

    public StatusReport {
        tasks = List.copyOf(tasks);
        peers = List.copyOf(peers);
    }

    /** The firmware image and the SHA-256 of it. */
    public record Firmware(String name, String version, String sha256) {}

    /** A task the sensor runs and the SHA-256 of its code. */
    public record Task(String name, String sha256) {}

    /** A peer the sensor exchanged messages with, and how much, since its last report. */
    public record Peer(String host, int port, String protocol, long messages, long bytes) {

        /** {@code host:port}, the form policies list allowed peers in. */
        public String endpoint() {
            return host + ":" + port;
        }
    }
}
