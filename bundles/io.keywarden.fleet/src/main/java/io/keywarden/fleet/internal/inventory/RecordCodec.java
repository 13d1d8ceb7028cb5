package io.keywarden.fleet.internal.inventory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.pem.Pem;

/**
 * One {@link CertificateRecord} as a JSON object in a gateway's inventory message: device, kind, identifiers,
 * serial, notBefore/notAfter/issuedAt (ISO-8601), account, certificateUrl (optional), custody, status and the
 * certificate chain in PEM (end-entity first).
 */
public final class RecordCodec {

    private RecordCodec() {}

    public static Map<String, Object> toJson(CertificateRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", r.getDeviceId());
        m.put("kind", r.getKind().name());
        m.put("identifiers", r.getIdentifiers());
        m.put("serial", r.getSerial());
        m.put("notBefore", r.getNotBefore().toString());
        m.put("notAfter", r.getNotAfter().toString());
        m.put("issuedAt", r.getIssuedAt().toString());
        m.put("account", r.getAccountUrl());
        r.getCertificateUrl().ifPresent(u -> m.put("certificateUrl", u));
        m.put("custody", r.getKeyCustody().name());
        m.put("status", r.getStatus().name());
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : r.getChain()) {
            try {
                pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("certificate " + r.getSerial() + " cannot be encoded", e);
            }
        }
        m.put("chain", pem.toString());
        return m;
    }

    /** @throws RejectedNoticeException naming the field that is missing or wrong */
    public static CertificateRecord fromJson(Object value) throws RejectedNoticeException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new RejectedNoticeException("a record is not a JSON object");
        }
        try {
            List<X509Certificate> chain = certificates(text(m, "chain"));
            if (chain.isEmpty()) {
                throw new RejectedNoticeException("record " + m.get("serial") + " has an empty chain");
            }
            return CertificateRecord.builder()
                    .deviceId(text(m, "device"))
                    .kind(DeviceKind.valueOf(text(m, "kind")))
                    .identifiers(texts(m, "identifiers"))
                    .serial(text(m, "serial"))
                    .notBefore(Instant.parse(text(m, "notBefore")))
                    .notAfter(Instant.parse(text(m, "notAfter")))
                    .issuedAt(Instant.parse(text(m, "issuedAt")))
                    .accountUrl(text(m, "account"))
                    .certificateUrl(m.get("certificateUrl") instanceof String u ? u : null)
                    .keyCustody(KeyCustody.valueOf(text(m, "custody")))
                    .status(CertificateStatus.valueOf(text(m, "status")))
                    .chain(chain)
                    .build();
        } catch (IllegalArgumentException | DateTimeException | CertificateException e) {
            throw new RejectedNoticeException("record " + m.get("serial") + ": " + e.getMessage());
        }
    }

    public static List<X509Certificate> certificates(String pem) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        for (var c : f.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    private static String text(Map<?, ?> m, String field) throws RejectedNoticeException {
        if (m.get(field) instanceof String s) {
            return s;
        }
        throw new RejectedNoticeException("record field " + field + " missing or not a string");
    }

    private static List<String> texts(Map<?, ?> m, String field) throws RejectedNoticeException {
        if (!(m.get(field) instanceof List<?> list)) {
            throw new RejectedNoticeException("record field " + field + " missing or not an array");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new RejectedNoticeException("record field " + field + " holds a non-string");
            }
            out.add(s);
        }
        return out;
    }
}
