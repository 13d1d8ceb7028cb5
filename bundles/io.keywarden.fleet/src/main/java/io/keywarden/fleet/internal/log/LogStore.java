package io.keywarden.fleet.internal.log;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;

/**
 * Where the authority keeps every gateway's accepted issuance log, and what it asks about them: append-only, durable
 * before {@link #append} returns, and queried rather than held in memory (a fleet of a thousand gateways with a hundred
 * sensors each does not fit in a gateway-sized heap). {@link JdbcLogStore} on H2 or PostgreSQL.
 */
public interface LogStore {

    /**
     * One accepted entry: its place in the gateway's chain, what it records, when it arrived and the signed message as
     * it arrived.
     */
    record Entry(long seq, String hash, long receivedAtMillis, CertificateRecord record, String compactJws) {}

    /** The last entry's sequence number and hash ({@code 0} and {@link IssuanceEvent#GENESIS} when there is none). */
    record Head(long seq, String hash) {
        public static final Head EMPTY = new Head(0, IssuanceEvent.GENESIS);
    }

    /** Which gateway's log records a certificate, and as what. */
    record Owner(String gatewayId, DeviceKind kind, String deviceId) {}

    /**
     * What {@link #judgeAndAppend} runs on a gateway's stored head while no other writer can move it: the entries to
     * append after it (none: nothing to store). It may run more than once (a transaction tried again after a conflict
     * or a lost connection), so it has no effect beyond its result until the call returns.
     */
    @FunctionalInterface
    interface Judge {
        List<Entry> judge(Head stored) throws IOException;
    }

    /** The gateways that have a log. */
    Set<String> gateways() throws IOException;

    Head head(String gatewayId) throws IOException;

    /** The hash of entry {@code seq} ({@link IssuanceEvent#GENESIS} at 0), empty beyond the head. */
    Optional<String> hashAt(String gatewayId, long seq) throws IOException;

    /**
     * Appends the gateway's next entries in one transaction: all of them are durable when it returns, or none is (an
     * entry whose sequence number another writer took meanwhile, or whose certificate some log records already, fails
     * the whole call).
     */
    void append(String gatewayId, List<Entry> entries) throws IOException;

    /**
     * Judges and appends in one transaction that holds the gateway's log for itself: it reads the stored head under a
     * lock no other writer (another thread, or another authority instance on the same database) passes until the
     * transaction ends, runs {@code judge} on it, and appends what it returns. Two instances handed overlapping
     * batches of one gateway therefore judge them one after the other, each against the head the other stored.
     */
    void judgeAndAppend(String gatewayId, Judge judge) throws IOException;

    /** The hashes of the stored entries {@code from} to {@code to} (both included), by sequence number. */
    Map<Long, String> hashes(String gatewayId, long from, long to) throws IOException;

    /** The gateway's records in log order. */
    List<CertificateRecord> records(String gatewayId) throws IOException;

    List<CertificateRecord> recordsOfDevice(String gatewayId, String deviceId) throws IOException;

    Optional<CertificateRecord> record(String gatewayId, String serial) throws IOException;

    /** The log that records the certificate, in any gateway's log. */
    Optional<Owner> owner(String serial) throws IOException;

    /** The serials of the gateway's own GATEWAY certificates: the ones that may speak for it. */
    Set<String> gatewaySerials(String gatewayId) throws IOException;

    /** The ACME accounts that ordered the gateway's own GATEWAY certificates. */
    Set<String> accounts(String gatewayId) throws IOException;

    /** The gateways whose own GATEWAY certificates were ordered by {@code accountUrl}. */
    Set<String> accountHolders(String accountUrl) throws IOException;

    /** Whether the gateway is frozen (under an accepted COMPROMISED_GATEWAY ticket). */
    boolean isFrozen(String gatewayId) throws IOException;

    /**
     * Freezes the gateway for good.
     *
     * @return false when it was frozen already
     */
    boolean freeze(String gatewayId, long atMillis) throws IOException;
}
