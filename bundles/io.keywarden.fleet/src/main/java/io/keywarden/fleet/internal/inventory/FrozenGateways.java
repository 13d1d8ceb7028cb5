package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.fleet.internal.log.LogStore;

/**
 * Gateways under an accepted {@code COMPROMISED_GATEWAY} ticket, in the log store ({@code fleet_frozen_gateway}), so
 * every authority instance sharing it refuses them: from then on nothing they sign changes what the authority
 * believes about them. Never unfrozen by a message; an operator who re-admits a rebuilt gateway gives it a new id or
 * deletes its row by hand. A gateway found frozen is remembered (a freeze is never lifted); any other is asked
 * about each time, since another instance may have frozen it since. The {@code frozen-gateways.txt} of an authority
 * from before the database is imported at the start.
 */
final class FrozenGateways {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenGateways.class);

    private final LogStore store;
    private final Clock clock;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    FrozenGateways(LogStore store, Clock clock, Path legacyFile) throws IOException {
        this.store = store;
        this.clock = clock;
        if (Files.exists(legacyFile)) {
            for (String line : Files.readAllLines(legacyFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    store.freeze(line.trim(), clock.millis());
                }
            }
            Files.move(legacyFile, legacyFile.resolveSibling(legacyFile.getFileName() + ".imported"));
            LOG.info("Imported the frozen gateways of {} into the database", legacyFile);
        }
    }

    /** @throws IOException when the store cannot answer (the caller refuses the message: fail closed) */
    boolean isFrozen(String gatewayId) throws IOException {
        if (known.contains(gatewayId)) {
            return true;
        }
        if (store.isFrozen(gatewayId)) {
            known.add(gatewayId);
            return true;
        }
        return false;
    }

    /** @return false when it was frozen already */
    boolean freeze(String gatewayId) throws IOException {
        boolean now = store.freeze(gatewayId, clock.millis());
        known.add(gatewayId);
        return now;
    }
}
