package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.log.LogStore;

/**
 * One gateway's log while a received batch is judged: the stored log (asked, not loaded) and the entries of the batch
 * admitted so far, which are stored together at the end. Lives for one judgement of one message, under the gateway's
 * log lock: the stored log does not change meanwhile.
 */
final class StagedLog {
    private final LogStore store;
    private final String gatewayId;
    private final LogStore.Head stored;
    private final List<LogStore.Entry> admitted = new ArrayList<>();
    /** Asked once per message, not per entry: the stored log does not change while it is judged. */
    private Set<String> storedSerials;

    private Set<String> storedAccounts;

    /** @param stored the gateway's stored head, read under its lock ({@link LogStore#judgeAndAppend}) */
    StagedLog(LogStore store, String gatewayId, LogStore.Head stored) {
        this.store = store;
        this.gatewayId = gatewayId;
        this.stored = stored;
    }

    String gatewayId() {
        return gatewayId;
    }

    /** Sequence number of the last entry, stored or admitted; 0 before the first. */
    long head() {
        return stored.seq() + admitted.size();
    }

    /** The head the store had when the batch arrived. */
    LogStore.Head storedHead() {
        return stored;
    }

    String hashAt(long seq) throws IOException {
        if (seq > stored.seq()) {
            return admitted.get((int) (seq - stored.seq() - 1)).hash();
        }
        if (seq == stored.seq()) {
            return stored.hash();
        }
        return store.hashAt(gatewayId, seq)
                .orElseThrow(() -> new IOException("entry " + seq + " of the log of " + gatewayId + " is missing"));
    }

    void admit(LogStore.Entry e) {
        admitted.add(e);
    }

    List<LogStore.Entry> admitted() {
        return admitted;
    }

    Set<String> gatewaySerials() throws IOException {
        if (storedSerials == null) {
            storedSerials = store.gatewaySerials(gatewayId);
        }
        Set<String> out = new LinkedHashSet<>(storedSerials);
        own().forEach(r -> out.add(r.getSerial()));
        return out;
    }

    /** The ACME accounts that ordered the gateway's own certificates. */
    Set<String> accounts() throws IOException {
        if (storedAccounts == null) {
            storedAccounts = store.accounts(gatewayId);
        }
        Set<String> out = new LinkedHashSet<>(storedAccounts);
        own().forEach(r -> out.add(r.getAccountUrl()));
        return out;
    }

    /** Which log records the certificate: this batch first, then every stored log. */
    Optional<LogStore.Owner> owner(String serial) throws IOException {
        for (LogStore.Entry e : admitted) {
            CertificateRecord r = e.record();
            if (r.getSerial().equals(serial)) {
                return Optional.of(new LogStore.Owner(gatewayId, r.getKind(), r.getDeviceId()));
            }
        }
        return store.owner(serial);
    }

    /** The other gateways whose own certificates were ordered by the account. */
    Set<String> otherHolders(String accountUrl) throws IOException {
        Set<String> out = new LinkedHashSet<>(store.accountHolders(accountUrl));
        out.remove(gatewayId);
        return out;
    }

    private List<CertificateRecord> own() {
        return admitted.stream()
                .map(LogStore.Entry::record)
                .filter(r ->
                        r.getKind() == DeviceKind.GATEWAY && r.getDeviceId().equals(gatewayId))
                .toList();
    }
}
