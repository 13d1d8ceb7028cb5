package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;

/**
 * The mutable state of one ticket, owned by the queue; callers get {@link #snapshot()}s. Guarded by its own lock.
 */
public final class Ticket {

    /** One targeted certificate and where it stands. */
    public static final class Cert {
        final String serial;
        final String deviceId;
        /** Listed by the CA for the compromised gateway's account, not named by any report. */
        final boolean fromCa;

        CertificateRevocation.State state = CertificateRevocation.State.PENDING;
        RevocationRoute route;
        String caAnswer;
        Instant revokedAt;
        /** Its revocation is in the journal's execution audit (not journaled itself: checked again after a load). */
        boolean executionRecorded;

        public Cert(String serial, String deviceId) {
            this(serial, deviceId, false);
        }

        Cert(String serial, String deviceId, boolean fromCa) {
            this.serial = requireNonNull(serial, "serial");
            this.deviceId = requireNonNull(deviceId, "deviceId");
            this.fromCa = fromCa;
        }

        public String serial() {
            return serial;
        }

        CertificateRevocation view() {
            return new CertificateRevocation(serial, deviceId, state, route, caAnswer, revokedAt);
        }
    }

    final String id;
    final String signedRequest;
    final RevocationRequest request;
    final Instant submittedAt;
    final List<Cert> certs;
    /** Accounts to deactivate once every certificate is settled (a compromised gateway's). */
    final List<String> accountsToDeactivate;

    /** Serialises this ticket's saves within one instance (the workers of one ticket may save at once). */
    final Object saveLock = new Object();

    TicketState state;
    RefusalReason refusal;
    String detail;
    boolean accountDeactivated;
    /** The CA's list of the account's certificates was compared with the reports (once per ticket). */
    boolean caChecked;

    int attempts;
    Instant nextAttemptAt;

    Ticket(
            String id,
            String signedRequest,
            RevocationRequest request,
            Instant submittedAt,
            List<Cert> certs,
            List<String> accountsToDeactivate,
            TicketState state) {
        this.id = requireNonNull(id, "id");
        this.signedRequest = signedRequest;
        this.request = request;
        this.submittedAt = requireNonNull(submittedAt, "submittedAt");
        this.certs = new ArrayList<>(certs);
        this.accountsToDeactivate = List.copyOf(accountsToDeactivate);
        this.state = requireNonNull(state, "state");
    }

    public static Ticket accepted(
            String id,
            String signedRequest,
            RevocationRequest request,
            Instant at,
            List<Cert> certs,
            List<String> accountsToDeactivate) {
        return new Ticket(id, signedRequest, request, at, certs, accountsToDeactivate, TicketState.ACCEPTED);
    }

    /** A recorded release: settled at once, never queued (nothing goes to the CA). */
    public static Ticket released(
            String id, String signedRequest, RevocationRequest request, Instant at, List<Cert> certs) {
        return new Ticket(id, signedRequest, request, at, certs, List.of(), TicketState.RELEASED);
    }

    public static Ticket refused(
            String id, RevocationRequest request, Instant at, RefusalReason reason, String detail) {
        Ticket t = new Ticket(id, null, request, at, List.of(), List.of(), TicketState.REFUSED);
        t.refusal = reason;
        t.detail = detail;
        return t;
    }

    public String id() {
        return id;
    }

    /**
     * Takes over the stored state of this ticket (another instance may have worked on it, or settled it): the
     * certificates and everything that changes; id, request and submission time are the same by construction.
     */
    synchronized void adopt(Ticket stored) {
        if (stored == this) {
            return;
        }
        synchronized (stored) {
            certs.clear();
            certs.addAll(stored.certs);
            state = stored.state;
            detail = stored.detail;
            accountDeactivated = stored.accountDeactivated;
            caChecked = stored.caChecked;
            attempts = Math.max(attempts, stored.attempts);
        }
    }

    public Optional<RevocationRequest> request() {
        return Optional.ofNullable(request);
    }

    public synchronized TicketState state() {
        return state;
    }

    public synchronized List<String> serials() {
        return certs.stream().map(c -> c.serial).toList();
    }

    public synchronized List<String> deviceIds() {
        return certs.stream().map(c -> c.deviceId).distinct().toList();
    }

    public synchronized RevocationTicket snapshot() {
        return new View(
                id,
                state,
                request,
                refusal,
                detail,
                submittedAt,
                certs.stream().map(Cert::view).toList(),
                accountDeactivated,
                attempts,
                nextAttemptAt);
    }

    /** An immutable snapshot. */
    private record View(
            String id,
            TicketState state,
            RevocationRequest request,
            RefusalReason refusal,
            String detail,
            Instant submittedAt,
            List<CertificateRevocation> certificates,
            boolean deactivated,
            int attempts,
            Instant nextAttemptAt)
            implements RevocationTicket {

        @Override
        public String getId() {
            return id;
        }

        @Override
        public TicketState getState() {
            return state;
        }

        @Override
        public Optional<RevocationRequest> getRequest() {
            return Optional.ofNullable(request);
        }

        @Override
        public Optional<RefusalReason> getRefusalReason() {
            return Optional.ofNullable(refusal);
        }

        @Override
        public Optional<String> getDetail() {
            return Optional.ofNullable(detail);
        }

        @Override
        public Instant getSubmittedAt() {
            return submittedAt;
        }

        @Override
        public List<CertificateRevocation> getCertificates() {
            return certificates;
        }

        @Override
        public boolean isAccountDeactivated() {
            return deactivated;
        }

        @Override
        public int getAttempts() {
            return attempts;
        }

        @Override
        public Optional<Instant> getNextAttemptAt() {
            return Optional.ofNullable(nextAttemptAt);
        }

        @Override
        public String toString() {
            return id + " " + state
                    + (request == null ? "" : " " + request.getTarget() + " by " + request.getRequester())
                    + (refusal == null ? "" : " " + refusal) + (detail == null ? "" : ": " + detail);
        }
    }
}
