package io.keywarden.broker.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;

/**
 * The broker user name of a certificate: what Mosquitto's {@code use_identity_as_username} takes, the subject's CN
 * (Keywarden-issued certificates carry the first DNS name there; Pebble and most ACME CAs write it so). A certificate
 * without a CN falls back to its first ordered identifier.
 */
final class Identities {

    private Identities() {}

    static Optional<String> bySerial(String serial, Collection<CertificateInventory> inventories) {
        for (CertificateInventory inventory : List.copyOf(inventories)) {
            Optional<CertificateRecord> r = inventory.getBySerial(serial);
            if (r.isPresent()) {
                return Optional.of(of(r.get()));
            }
        }
        return Optional.empty();
    }

    static String of(CertificateRecord record) {
        return commonName(record.getCertificate().getSubjectX500Principal().getName())
                .orElse(
                        record.getIdentifiers().isEmpty()
                                ? record.getDeviceId()
                                : record.getIdentifiers().get(0));
    }

    static Optional<String> commonName(String rfc2253) {
        try {
            for (Rdn rdn : new LdapName(rfc2253).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
