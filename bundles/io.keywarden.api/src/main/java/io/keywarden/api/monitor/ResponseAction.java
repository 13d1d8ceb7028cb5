package io.keywarden.api.monitor;

/** What the monitor does when a rule fires, weakest first; each rule has one. */
public enum ResponseAction {
    /** Record and post the incident; the device keeps working. */
    ALERT,
    /** Refuse the device on the sensor channel from now on; its certificate stays valid at the CA. */
    QUARANTINE,
    /**
     * Quarantine, then ask the revocation component (signed, as the gateway-monitor authority) to revoke the
     * certificate the device presented, reason keyCompromise.
     */
    REVOKE
}
