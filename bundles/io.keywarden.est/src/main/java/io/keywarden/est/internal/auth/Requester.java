package io.keywarden.est.internal.auth;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.est.internal.policy.DeviceClass;

/**
 * Who a request speaks for, and how that was proven.
 *
 * @param deviceClass the class the device bootstraps in (null for a re-enrollment)
 * @param presented the certificate of ours presented in TLS (re-enrollment), else null
 */
public record Requester(String deviceId, Method method, DeviceClass deviceClass, CertificateRecord presented) {

    /** How the requester authenticated. */
    public enum Method {
        /** A manufacturer certificate (IEEE 802.1AR IDevID) in TLS. */
        IDEVID,
        /** A one-time enrollment code with HTTP Basic. */
        CODE,
        /** The certificate this gateway ordered for the device, in TLS. */
        CERTIFICATE;

        public String label() {
            return this == IDEVID ? "idevid" : this == CODE ? "code" : "certificate";
        }
    }
}
