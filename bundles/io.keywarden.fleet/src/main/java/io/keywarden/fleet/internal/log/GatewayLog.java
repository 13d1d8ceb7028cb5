package io.keywarden.fleet.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.files.DurableFiles;

/**
 * The gateway's own issuance log, append-only and hash-chained ({@link IssuanceEvent}): one payload per line in
 * {@code <gateway>.log}, forced to disk before it is sent, so it is also the durable outbox of everything the
 * authority has not acknowledged. {@code <gateway>.ack} keeps the authority's acknowledged head; after a reconnection
 * the gateway sends from there. Nothing is ever removed: the log is as long as the gateway's certificate history.
 */
public final class GatewayLog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayLog.class);

    private final String gatewayId;
    private final Path file;
    private final Path ackFile;
    private final List<IssuanceEvent> events = new ArrayList<>();
    private final Set<String> serials = new HashSet<>();
    private final FileChannel out;
    private long acked;
    private long sent;

    public GatewayLog(Path dir, String gatewayId) throws IOException {
        this.gatewayId = gatewayId;
        DurableFiles.createPrivateDirectories(dir);
        this.file = dir.resolve(gatewayId + ".log");
        this.ackFile = dir.resolve(gatewayId + ".ack");
        load();
        this.out = DurableFiles.openAppend(file);
        sent = acked;
    }

    private void load() throws IOException {
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                try {
                    IssuanceEvent e = IssuanceEvent.parse(line, gatewayId);
                    if (e.seq() != events.size() + 1 || !e.prev().equals(head().hash)) {
                        throw new RejectedNoticeException("entry " + e.seq() + " does not continue the chain");
                    }
                    add(e);
                } catch (RejectedNoticeException e) {
                    // only a crash in the middle of an append leaves this: keep the chain before it
                    LOG.error(
                            "Issuance log {} is unreadable from entry {} on ({}): kept the {} entries before it",
                            file,
                            events.size() + 1,
                            e.getMessage(),
                            events.size());
                    DurableFiles.write(
                            file,
                            String.join(
                                            "",
                                            lines.subList(0, events.size()).stream()
                                                    .map(l -> l + "\n")
                                                    .toList())
                                    .getBytes(StandardCharsets.UTF_8));
                    break;
                }
            }
        }
        if (Files.exists(ackFile)) {
            String[] ack =
                    Files.readString(ackFile, StandardCharsets.US_ASCII).trim().split(" ");
            try {
                long seq = Long.parseLong(ack[0]);
                acked = seq <= events.size() && ack.length == 2 && hashAt(seq).equals(ack[1]) ? seq : 0;
            } catch (NumberFormatException e) {
                acked = 0;
            }
        }
    }

    public String gatewayId() {
        return gatewayId;
    }

    /** The last entry's sequence number and hash ({@code 0} and {@link IssuanceEvent#GENESIS} when empty). */
    public record Head(long seq, String hash) {}

    public synchronized Head head() {
        return events.isEmpty()
                ? new Head(0, IssuanceEvent.GENESIS)
                : new Head(events.size(), events.get(events.size() - 1).hash());
    }

    private String hashAt(long seq) {
        return seq == 0 ? IssuanceEvent.GENESIS : events.get((int) seq - 1).hash();
    }

    private void add(IssuanceEvent e) {
        events.add(e);
        serials.add(e.record().getSerial());
    }

    /**
     * Appends an entry for every certificate not logged yet, oldest first, all forced to disk together.
     *
     * @return how many entries were appended
     */
    public synchronized int appendNew(List<CertificateRecord> records, long nowSeconds) throws IOException {
        // the first entries record the gateway's own certificates: they are what lets it speak for the rest
        Comparator<CertificateRecord> order = Comparator.comparing(
                        (CertificateRecord r) -> !events.isEmpty() || r.getKind() != DeviceKind.GATEWAY)
                .thenComparing(CertificateRecord::getIssuedAt);
        List<CertificateRecord> fresh = records.stream()
                .filter(r -> !serials.contains(r.getSerial()))
                .sorted(order)
                .toList();
        Head h = head();
        List<IssuanceEvent> created = new ArrayList<>(fresh.size());
        StringBuilder lines = new StringBuilder();
        for (CertificateRecord r : fresh) {
            IssuanceEvent e = IssuanceEvent.create(gatewayId, h.seq() + 1, h.hash(), nowSeconds, r);
            created.add(e);
            lines.append(e.payload()).append('\n');
            h = new Head(e.seq(), e.hash());
        }
        if (!created.isEmpty()) {
            // one write, one force: none of them counts (or is sent) before all are on disk
            DurableFiles.append(out, lines.toString().getBytes(StandardCharsets.UTF_8));
            created.forEach(this::add);
        }
        return fresh.size();
    }

    /** Up to {@code max} entries the authority has not acknowledged and this connection has not sent yet. */
    public synchronized List<IssuanceEvent> unsent(int max) {
        int from = (int) sent;
        return List.copyOf(events.subList(from, Math.min(events.size(), from + max)));
    }

    public synchronized void markSent(long seq) {
        sent = Math.max(sent, seq);
    }

    /** A new connection: everything after the acknowledged head goes out again. */
    public synchronized void reconnected() {
        sent = acked;
    }

    /**
     * The authority's head. One that matches this log moves the acknowledged head (down too: an authority restored
     * from a backup asks for more); {@code resend} rewinds what this connection sent to it. One that does not match
     * (a head beyond this log, another hash) changes nothing: the authority has raised an incident about it.
     *
     * @return false when the head does not match this log
     */
    public synchronized boolean acknowledged(long seq, String hash, boolean resend) throws IOException {
        if (seq < 0 || seq > events.size() || !hashAt(seq).equals(hash)) {
            return false;
        }
        if (seq != acked) {
            acked = seq;
            DurableFiles.write(ackFile, (seq + " " + hash + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        sent = resend ? acked : Math.max(sent, acked);
        return true;
    }

    public synchronized long acknowledged() {
        return acked;
    }

    /** Entries this connection sent that the authority has not acknowledged yet. */
    public synchronized long outstanding() {
        return sent - acked;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
