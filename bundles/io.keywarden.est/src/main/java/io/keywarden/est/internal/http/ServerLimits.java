package io.keywarden.est.internal.http;

import java.time.Duration;

/**
 * The hardening of the EST listener.
 *
 * @param threads Jetty's pool (selector and acceptor included); requests wait in a queue of {@code queue} jobs
 * @param perSource connections one address may hold open
 * @param perDevice connections one authenticated device may hold open (its requests waiting for the CA included)
 * @param firstRequest from accept to the first request's headers (handshake included)
 * @param perRequest from a request's headers to its answer (body and the short CA wait included)
 * @param idle an idle connection (keep-alive) is closed after this
 */
public record ServerLimits(
        int threads,
        int queue,
        int perSource,
        int perDevice,
        Duration firstRequest,
        Duration perRequest,
        Duration idle,
        int maxHeaderBytes,
        int maxBodyBytes,
        int acceptQueue) {}
