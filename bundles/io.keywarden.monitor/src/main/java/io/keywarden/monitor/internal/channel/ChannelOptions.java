package io.keywarden.monitor.internal.channel;

import java.time.Duration;

/**
 * Limits and address of the sensor channel.
 *
 * @param bindAddress address to listen on
 * @param port port, 0 for any free one
 * @param threads requests handled at once (Jetty's NIO selector: an idle kept-alive connection holds no thread);
 *        more wait in a bounded queue, beyond it connections are refused (counted and posted)
 * @param maxBody largest request body accepted, in bytes
 * @param maxHead largest request line plus headers, in bytes
 * @param handshakeTimeout total time from accept to the first request's head, the TLS handshake included
 * @param requestTimeout total time from a request's head to its whole body (408 after it)
 * @param idleTimeout time a kept-alive connection may stay silent between requests
 * @param perSource connections one address may hold open
 * @param perDevice connections one device (by its certificate) may hold open
 */
public record ChannelOptions(
        String bindAddress,
        int port,
        int threads,
        int maxBody,
        int maxHead,
        Duration handshakeTimeout,
        Duration requestTimeout,
        Duration idleTimeout,
        int perSource,
        int perDevice) {}
