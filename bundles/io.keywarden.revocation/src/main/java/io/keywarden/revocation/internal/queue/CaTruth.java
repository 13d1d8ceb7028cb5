package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTarget;

/**
 * For a compromised gateway, the CA is the truth about what its account holds: with the escrowed key this lists the
 * account's orders at the CA and adds the certificate of every valid order to the ticket, whatever the gateway
 * reported. The reports become a cross-check: a certificate at the CA that no report named, or one reported but not
 * at the CA, is a {@code CA_DISCREPANCY} incident, raised once per ticket.
 */
final class CaTruth {
    private static final Logger LOG = LoggerFactory.getLogger(CaTruth.class);
    static final String CA_DISCREPANCY = "CA_DISCREPANCY";
    static final String CA_LISTING_REFUSED = "CA_LISTING_REFUSED";

    private final CaOperations ca;
    private final RevocationQueue.Facts facts;
    private final TicketJournal journal;
    private final RevocationQueue.Listener listener;
    private final Clock clock;
    /** What the CA listed, by serial: these records carry the account that really ordered the certificate. */
    private final Map<String, CertificateRecord> listed = new ConcurrentHashMap<>();

    CaTruth(
            CaOperations ca,
            RevocationQueue.Facts facts,
            TicketJournal journal,
            RevocationQueue.Listener listener,
            Clock clock) {
        this.ca = ca;
        this.facts = facts;
        this.journal = journal;
        this.listener = listener;
        this.clock = clock;
    }

    static boolean concernsGateway(Ticket t) {
        return t.request != null && t.request.getTarget().getKind() == RevocationTarget.Kind.COMPROMISED_GATEWAY;
    }

    /** The certificate as the CA listed it, else as the reports have it. */
    Optional<CertificateRecord> record(String serial) {
        CertificateRecord r = listed.get(serial);
        return r != null ? Optional.of(r) : facts.certificate(serial);
    }

    /**
     * Whether the certificate can go to the CA before the listing is back: always, unless the ticket is a
     * compromised gateway's and the reports say another account than the pinned one ordered it (the listing then
     * says which account really did).
     */
    boolean revocableBeforeListing(Ticket t, Ticket.Cert c) {
        if (!concernsGateway(t) || t.accountDeactivated) {
            return true;
        }
        List<String> accounts = accounts(t);
        return record(c.serial).map(r -> accounts.contains(r.getAccountUrl())).orElse(false);
    }

    /** The accounts to list and deactivate: the one a proven escrow deposit pins, else those the reports name. */
    List<String> accounts(Ticket t) {
        if (!concernsGateway(t)) {
            return t.accountsToDeactivate;
        }
        return facts.pinnedAccount(t.request.getTarget().getValue())
                .map(List::of)
                .orElse(t.accountsToDeactivate);
    }

    /**
     * Lists the accounts' certificates at the CA and adds the unreported ones to the ticket (journaled, then denied
     * through {@link RevocationQueue.Listener#extended}); throws when the CA is to be asked again later.
     */
    void reconcile(Ticket t) throws CaOperationException, IOException {
        Listing l = list(t);
        if (l != null) {
            conclude(t, l);
        }
    }

    /** What the CA listed for a ticket: the serials, and whether every account could be asked. */
    record Listing(Set<String> atCa, boolean complete) {}

    /**
     * Asks the CA (the first half of {@link #reconcile}); null when there is nothing to ask. Safe beside the
     * revocation of the ticket's certificates: a certificate revoked before the listing reached it (Pebble serves
     * none) counts as the account's when the CA revoked it on the pinned account's key ({@link #conclude}).
     */
    Listing list(Ticket t) throws CaOperationException {
        if (!concernsGateway(t) || t.accountDeactivated) {
            return null; // a deactivated account can no longer be listed, and everything it held was listed before
        }
        String gateway = t.request.getTarget().getValue();
        Set<String> atCa = ConcurrentHashMap.newKeySet();
        boolean complete = true;
        for (String account : accounts(t)) {
            Optional<KeyPair> key = facts.escrowedKey(account);
            if (key.isEmpty()) {
                complete = false;
                incidentOnce(
                        t,
                        CA_LISTING_REFUSED,
                        gateway,
                        "no proven escrow deposit of account " + account
                                + ": the CA cannot be asked what it holds, only the reports count",
                        List.of());
                continue;
            }
            try {
                ca.listCertificates(
                        account,
                        key.get(),
                        chain -> remember(chain, account, gateway).ifPresent(atCa::add));
            } catch (CaOperationException e) {
                if (e.isTransient()) {
                    throw e;
                }
                complete = false;
                incidentOnce(
                        t,
                        CA_LISTING_REFUSED,
                        gateway,
                        "the CA refused to list the orders of " + account + " to the escrowed key: " + e.getMessage(),
                        List.of());
            }
        }
        return new Listing(Set.copyOf(atCa), complete);
    }

    /**
     * The second half of {@link #reconcile}, once the listing is back and the revocations beside it are settled:
     * adds the unreported certificates to the ticket, compares once, journals.
     */
    void conclude(Ticket t, Listing listing) throws IOException {
        String gateway = t.request.getTarget().getValue();
        Set<String> atCa = new TreeSet<>(listing.atCa());
        boolean complete = listing.complete();
        List<String> added = addUnreported(t, atCa);
        if (!t.caChecked) {
            atCa.addAll(revokedOnThePinnedKey(t));
            compare(t, gateway, atCa, complete);
        }
        synchronized (t) {
            t.caChecked = true;
        }
        journal.save(t);
        if (!added.isEmpty()) {
            LOG.warn(
                    "Ticket {}: the CA lists {} certificate(s) of {} no report named: {}",
                    t.id,
                    added.size(),
                    gateway,
                    added);
            listener.extended(t);
        }
    }

    /**
     * Certificates the CA revoked on the escrowed key of the account the ticket lists: the CA accepts that only from
     * the account that ordered them (RFC 8555 §7.6), so they are the account's, listed or not.
     */
    private static Set<String> revokedOnThePinnedKey(Ticket t) {
        Set<String> out = new TreeSet<>();
        synchronized (t) {
            for (Ticket.Cert c : t.certs) {
                if (c.route == RevocationRoute.ESCROWED_ACCOUNT_KEY && "revoked".equals(c.caAnswer)) {
                    out.add(c.serial);
                }
            }
        }
        return out;
    }

    private List<String> addUnreported(Ticket t, Set<String> atCa) {
        List<String> added = new ArrayList<>();
        synchronized (t) {
            Set<String> inTicket = new LinkedHashSet<>(t.serials());
            for (String serial : atCa) {
                if (!inTicket.contains(serial)) {
                    t.certs.add(new Ticket.Cert(serial, listed.get(serial).getDeviceId(), true));
                    added.add(serial);
                }
            }
        }
        return added;
    }

    private void compare(Ticket t, String gateway, Set<String> atCa, boolean complete) {
        Set<String> reported = new TreeSet<>();
        synchronized (t) {
            t.certs.stream().filter(c -> !c.fromCa).forEach(c -> reported.add(c.serial));
        }
        Set<String> unreported = new TreeSet<>(atCa);
        unreported.removeAll(reported);
        Set<String> notAtCa = new TreeSet<>(reported);
        notAtCa.removeAll(atCa);
        if (!complete) {
            notAtCa.clear(); // what the CA could not be asked about is not known to be missing there
        }
        if (unreported.isEmpty() && notAtCa.isEmpty()) {
            return;
        }
        List<String> serials = new ArrayList<>(unreported);
        serials.addAll(notAtCa);
        listener.incident(
                CA_DISCREPANCY,
                gateway,
                "the CA and the reports of " + gateway + " differ: at the CA, not reported " + unreported
                        + "; reported, not at the CA " + notAtCa,
                serials,
                Map.of("ticket", t.id, "unreported", List.copyOf(unreported), "notAtCa", List.copyOf(notAtCa)));
    }

    private void incidentOnce(Ticket t, String kind, String gateway, String detail, Collection<String> serials) {
        if (!t.caChecked) {
            listener.incident(kind, gateway, detail, List.copyOf(serials), Map.of("ticket", t.id));
        }
    }

    /** Keeps an unexpired listed certificate as a record that names the account which really ordered it. */
    private Optional<String> remember(List<X509Certificate> chain, String account, String gateway) {
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        if (!leaf.getNotAfter().toInstant().isAfter(now)) {
            return Optional.empty();
        }
        String serial = leaf.getSerialNumber().toString(16);
        List<String> names = dnsNames(leaf);
        Optional<CertificateRecord> reported = facts.certificate(serial);
        String device = reported.map(CertificateRecord::getDeviceId)
                .orElse("unreported:" + (names.isEmpty() ? serial : names.get(0)));
        listed.put(
                serial,
                CertificateRecord.builder()
                        .deviceId(device)
                        .kind(names.contains(gateway) ? DeviceKind.GATEWAY : DeviceKind.SENSOR)
                        .identifiers(names)
                        .serial(serial)
                        .notBefore(leaf.getNotBefore().toInstant())
                        .notAfter(leaf.getNotAfter().toInstant())
                        .chain(chain)
                        .accountUrl(account)
                        .keyCustody(KeyCustody.DEVICE) // not a key this node holds: only the account routes apply
                        .status(CertificateStatus.CURRENT)
                        .issuedAt(leaf.getNotBefore().toInstant())
                        .build());
        return Optional.of(serial);
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            LOG.warn(
                    "Listed certificate {} has unreadable names: {}",
                    leaf.getSerialNumber().toString(16),
                    e.toString());
        }
        return names;
    }
}
