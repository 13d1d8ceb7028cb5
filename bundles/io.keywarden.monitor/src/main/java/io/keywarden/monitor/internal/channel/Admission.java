package io.keywarden.monitor.internal.channel;

import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateRecord;

/** What the channel asks the monitor: whom to trust, who a certificate belongs to, and whether it is cut off. */
public interface Admission {

    /** The issuers of the certificates this gateway ordered (the CA chain), used as PKIX trust anchors. */
    Set<X509Certificate> issuers();

    /** The record of a certificate this gateway ordered, by serial (lowercase hex). */
    Optional<CertificateRecord> record(String serial);

    /** Why this certificate must be refused now (deny list, quarantine), or empty to admit it. */
    Optional<String> refusal(CertificateRecord record);

    /** Told about every refusal, for events and counters. */
    void refused(String stage, String reason, String serial, String source);
}
