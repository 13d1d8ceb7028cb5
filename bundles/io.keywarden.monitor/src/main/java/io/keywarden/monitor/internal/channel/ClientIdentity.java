package io.keywarden.monitor.internal.channel;

import io.keywarden.api.enrollment.CertificateRecord;

/**
 * Who is on the other end of a channel connection, as the handshake proved it: the record of the certificate the
 * client presented (hence its device id), and the address it connects from. Nothing the client says changes it.
 */
public record ClientIdentity(CertificateRecord record, String source) {

    public String deviceId() {
        return record.getDeviceId();
    }

    public String serial() {
        return record.getSerial();
    }
}
