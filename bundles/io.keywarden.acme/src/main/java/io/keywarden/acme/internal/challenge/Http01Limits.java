package io.keywarden.acme.internal.challenge;

import java.time.Duration;

/**
 * The hardening of the standalone http-01 responder; {@link #DEFAULTS} fits a CA's validators (small requests, and
 * from one address as many connections at once as the gateway has orders under validation: 16 per address refused
 * Pebble's validation of 12 parallel orders, so the cap per address is 64). Kept apart from {@link Http01Server} so that nothing of Jetty (an optional import) is loaded
 * before the responder is needed.
 *
 * @param threads Jetty's pool (acceptor and selector included); jobs beyond {@code queue} are refused
 * @param perSource connections one address may hold open
 * @param total connections in all (beyond it Jetty stops accepting until one closes)
 * @param firstRequest from accept to the request's head
 * @param perRequest from the head to the answer
 * @param maxHeaderBytes larger request heads get Jetty's 431
 */
record Http01Limits(
        int threads,
        int queue,
        int perSource,
        int total,
        Duration firstRequest,
        Duration perRequest,
        int maxHeaderBytes) {

    static final Http01Limits DEFAULTS =
            new Http01Limits(8, 256, 64, 256, Duration.ofSeconds(5), Duration.ofSeconds(5), 4096);
}
