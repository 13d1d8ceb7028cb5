package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LegacyLogFiles;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * Moves the issuance logs an authority kept in files ({@code <data dir>/logs}) into its database, once, at the first
 * start with the database: every entry is verified again as it was when it arrived (signature and certificates at its
 * receipt time, chain continuity), a log is imported up to its first entry that fails, and the directory is then
 * renamed {@code logs.imported}. A gateway the database already has a log of is left as the database has it.
 */
final class LegacyImport {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyImport.class);
    /** Entries per transaction. */
    private static final int CHUNK = 1000;

    private LegacyImport() {}

    static void run(LegacyLogFiles files, LogStore store, Set<TrustAnchor> roots) throws IOException {
        Set<String> gateways = files.gateways();
        if (gateways.isEmpty()) {
            return;
        }
        for (String gatewayId : gateways) {
            if (store.head(gatewayId).seq() > 0) {
                LOG.warn("The database has a log of {} already: its log file is not imported", gatewayId);
                continue;
            }
            List<LogStore.Entry> entries = verified(gatewayId, files.read(gatewayId), roots);
            for (int from = 0; from < entries.size(); from += CHUNK) {
                store.append(gatewayId, entries.subList(from, Math.min(entries.size(), from + CHUNK)));
            }
            LOG.info("Imported {} entries of the log of {} into the database", entries.size(), gatewayId);
        }
        files.retire();
    }

    private static List<LogStore.Entry> verified(
            String gatewayId, List<LegacyLogFiles.Stored> stored, Set<TrustAnchor> roots) {
        List<LogStore.Entry> out = new ArrayList<>();
        String prev = IssuanceEvent.GENESIS;
        for (LegacyLogFiles.Stored s : stored) {
            try {
                GatewayEnvelope.Verified v = GatewayEnvelope.verify(
                        s.compactJws().getBytes(StandardCharsets.US_ASCII),
                        IssuanceEvent.TYPE,
                        gatewayId,
                        roots,
                        Instant.ofEpochMilli(s.receivedAtMillis()));
                IssuanceEvent e = IssuanceEvent.fromJson(v.payload(), v.text(), gatewayId);
                if (e.seq() != out.size() + 1 || !e.prev().equals(prev)) {
                    throw new RejectedNoticeException("entry " + e.seq() + " does not continue the chain");
                }
                out.add(new LogStore.Entry(e.seq(), e.hash(), s.receivedAtMillis(), e.record(), s.compactJws()));
                prev = e.hash();
            } catch (RejectedNoticeException e) {
                LOG.error(
                        "Stored log of {} breaks after entry {} ({}): the entries after it are not imported",
                        gatewayId,
                        out.size(),
                        e.getMessage());
                break;
            }
        }
        return out;
    }
}
