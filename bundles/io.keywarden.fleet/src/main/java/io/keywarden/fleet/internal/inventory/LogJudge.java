package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * Judges a verified batch of a gateway's log against the head stored now ({@link LogStore#judgeAndAppend} runs it
 * under the gateway's log lock): who signed it ({@link Speakers}), then each entry in turn. An entry already stored (by
 * this instance or another) is skipped; one that differs from the stored entry at its sequence is a fork, one beyond
 * the head a gap, one that chains to another history a rewrite, and a record {@link RecordRules} refuses ends the
 * batch. It only reads: what it finds is reported in its {@link Verdict} once the transaction has ended, because a
 * transaction tried again runs it again.
 */
final class LogJudge {

    /**
     * One verified entry of a batch; {@code invalid} is why its record was refused on its own ({@link
     * RecordRules#checkAlone}), null when it was not.
     */
    record Line(String compactJws, GatewayEnvelope.Verified verified, IssuanceEvent event, String invalid) {}

    /** An incident ({@code kind} {@link InventoryCollector#GAP}, {@code FORK}, {@code REWRITE}) or, kind null, a refusal. */
    record Problem(String kind, long seq, String text) {}

    /** What one judgement found. */
    static final class Verdict {
        private final LogStore.Head stored;
        private final List<Problem> problems = new ArrayList<>();
        private List<LogStore.Entry> admitted = List.of();
        private boolean gap;
        private boolean speakerRefused;

        Verdict(LogStore.Head stored) {
            this.stored = stored;
        }

        LogStore.Head stored() {
            return stored;
        }

        List<LogStore.Entry> admitted() {
            return admitted;
        }

        List<Problem> problems() {
            return problems;
        }

        /** The gateway is asked to send again from the stored head. */
        boolean gap() {
            return gap;
        }

        /** The batch's signer may not speak for the gateway: nothing is acknowledged. */
        boolean speakerRefused() {
            return speakerRefused;
        }
    }

    private enum Admission {
        APPEND,
        SKIP,
        GAP,
        STOP
    }

    private final LogStore store;
    private final Speakers speakers;
    private final Clock clock;

    LogJudge(LogStore store, Speakers speakers, Clock clock) {
        this.store = store;
        this.speakers = speakers;
        this.clock = clock;
    }

    Verdict judge(LogStore.Head stored, String gatewayId, List<Line> batch) throws IOException {
        Verdict v = new Verdict(stored);
        StagedLog own = new StagedLog(store, gatewayId, stored);
        X509Certificate signer = batch.get(0).verified().signer();
        String serial = signer.getSerialNumber().toString(16);
        Optional<CertificateRecord> introduction = batch.stream()
                .map(l -> l.event().record())
                .filter(r -> r.getSerial().equals(serial))
                .findFirst();
        try {
            speakers.check(gatewayId, signer, own, introduction);
        } catch (RejectedNoticeException e) {
            v.speakerRefused = true;
            v.problems.add(new Problem(null, 0, e.getMessage()));
            return v;
        }
        for (Line l : batch) {
            Admission a = admit(own, l, v);
            if (a == Admission.SKIP) {
                continue;
            }
            if (a != Admission.APPEND) {
                v.gap = a == Admission.GAP;
                break;
            }
            IssuanceEvent e = l.event();
            own.admit(new LogStore.Entry(e.seq(), e.hash(), clock.millis(), e.record(), l.compactJws()));
        }
        v.admitted = List.copyOf(own.admitted());
        return v;
    }

    /** Judges one entry against the chain so far ({@code own}: the stored one and the entries admitted before). */
    private static Admission admit(StagedLog own, Line l, Verdict v) throws IOException {
        IssuanceEvent e = l.event();
        long head = own.head();
        if (e.seq() <= head) {
            String stored = own.hashAt(e.seq());
            if (stored.equals(e.hash())) {
                return Admission.SKIP; // sent again after a reconnection, or stored by another instance meanwhile
            }
            v.problems.add(new Problem(
                    InventoryCollector.FORK,
                    e.seq(),
                    "entry " + e.seq() + " differs from the one accepted at that sequence (hash " + e.hash()
                            + ", stored " + stored + ")"));
            return Admission.STOP;
        }
        if (e.seq() > head + 1) {
            v.problems.add(new Problem(
                    InventoryCollector.GAP,
                    e.seq(),
                    "entry " + e.seq() + " arrived after entry " + head + ": entries in between are missing"));
            return Admission.GAP;
        }
        if (!e.prev().equals(own.hashAt(head))) {
            v.problems.add(new Problem(
                    InventoryCollector.REWRITE,
                    e.seq(),
                    "entry " + e.seq() + " chains to " + e.prev() + ", not to the accepted entry " + head + " ("
                            + own.hashAt(head) + ")"));
            return Admission.STOP;
        }
        try {
            if (l.invalid() != null) {
                throw new RejectedNoticeException(l.invalid());
            }
            RecordRules.checkInLog(own, e.record());
            return Admission.APPEND;
        } catch (RejectedNoticeException x) {
            v.problems.add(new Problem(null, e.seq(), "entry " + e.seq() + ": " + x.getMessage()));
            return Admission.STOP;
        }
    }
}
