package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LogStore;

/**
 * The leading entries of a batch that the store holds already, found without verifying anything: a gateway sends its
 * unacknowledged entries again after a reconnection or a resend request, and in a share group two instances may both
 * get them. An entry whose payload hashes to the stored hash at its sequence is that stored entry, verified when it
 * arrived, so its two signature checks need not be made again. Everything else (a payload that cannot be read, a
 * sequence beyond the stored head, a different hash at a stored sequence, which is a fork) is left to full
 * verification and judgement.
 */
final class StoredAlready {

    /** How many leading lines are stored already, and the stored head they were compared with. */
    record Skip(int count, LogStore.Head head) {}

    private record Sent(long seq, String hash) {}

    private StoredAlready() {}

    static Skip count(LogStore store, String gatewayId, List<String> lines) throws IOException {
        LogStore.Head head = store.head(gatewayId);
        List<Sent> sent = new ArrayList<>();
        for (String line : lines) {
            Sent s = unverified(line);
            if (s == null || s.seq() < 1 || s.seq() > head.seq()) {
                break;
            }
            sent.add(s);
        }
        if (sent.isEmpty()) {
            return new Skip(0, head);
        }
        long from = sent.stream().mapToLong(Sent::seq).min().getAsLong();
        long to = sent.stream().mapToLong(Sent::seq).max().getAsLong();
        Map<Long, String> stored = store.hashes(gatewayId, from, to);
        int n = 0;
        while (n < sent.size()
                && sent.get(n).hash().equals(stored.get(sent.get(n).seq()))) {
            n++;
        }
        return new Skip(n, head);
    }

    /** The sequence number and hash of an entry as sent, or null when its payload cannot be read. */
    private static Sent unverified(String compactJws) {
        String[] parts = compactJws.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            return JsonUtil.parseJson(payload).get("seq") instanceof Long seq
                    ? new Sent(seq, IssuanceEvent.sha256(payload))
                    : null;
        } catch (JoseException | RuntimeException e) {
            return null; // judged in full, where it is refused with a reason
        }
    }
}
