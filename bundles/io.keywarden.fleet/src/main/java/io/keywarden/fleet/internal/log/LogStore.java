package io.keywarden.fleet.internal.log;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Where the authority keeps every gateway's accepted issuance log: append-only, one entry after the other, durable
 * before {@link #append} returns. Files today ({@link FileLogStore}); kept this small so a database can take over.
 */
public interface LogStore {

    /** One accepted entry: the signed message as it arrived and when (its certificates are judged at that time). */
    record Stored(long receivedAtMillis, String compactJws) {}

    /** The gateways that have a log. */
    Set<String> gateways() throws IOException;

    /** A gateway's entries in order, sequence 1 first; empty when it has none. */
    List<Stored> read(String gatewayId) throws IOException;

    /** Appends the gateway's next entries, in order; returns once all of them are durable. */
    void append(String gatewayId, List<Stored> entries) throws IOException;
}
