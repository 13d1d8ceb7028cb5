package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

import io.keywarden.support.files.DurableFiles;

/**
 * Gateways under an accepted {@code COMPROMISED_GATEWAY} ticket, one id a line in {@code frozen-gateways.txt}: from
 * then on nothing they sign changes what the authority believes about them. Never unfrozen by a message; an operator
 * who re-admits a rebuilt gateway gives it a new id or removes the line by hand.
 */
final class FrozenGateways {
    private final Path file;
    private final Set<String> ids = new ConcurrentSkipListSet<>();

    FrozenGateways(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ids.add(line.trim());
                }
            }
        }
    }

    boolean isFrozen(String gatewayId) {
        return ids.contains(gatewayId);
    }

    /** @return false when it was frozen already */
    synchronized boolean freeze(String gatewayId) throws IOException {
        if (ids.contains(gatewayId)) {
            return false;
        }
        Set<String> next = new TreeSet<>(ids);
        next.add(gatewayId);
        DurableFiles.write(file, (String.join("\n", next) + "\n").getBytes(StandardCharsets.UTF_8));
        ids.add(gatewayId);
        return true;
    }
}
