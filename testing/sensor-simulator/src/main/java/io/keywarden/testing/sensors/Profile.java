package io.keywarden.testing.sensors;

/** How a simulated sensor behaves once it turns (a well-behaved one never does). */
public enum Profile {
    /** Reports the baseline firmware, tasks and peers at its heartbeat. */
    WELL_BEHAVED,
    /** Reports a firmware image whose hash is not in the baseline (it was reflashed). */
    UNKNOWN_FIRMWARE,
    /** Reports traffic with a peer outside the baseline (exfiltration, a command-and-control server). */
    FORBIDDEN_PEER,
    /** Sends requests as fast as it can. */
    FLOOD,
    /** Stops reporting. */
    SILENT
}
