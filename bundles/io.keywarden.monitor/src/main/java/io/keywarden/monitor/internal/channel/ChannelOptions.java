package io.keywarden.monitor.internal.channel;

import java.time.Duration;

/**
 * Limits and address of the sensor channel.
 *
 * @param bindAddress address to listen on
 * @param port port, 0 for any free one
 * @param threads connections served at once; more wait in a short queue, beyond it they are closed
 * @param maxBody largest request body accepted, in bytes
 * @param maxHead largest request line plus headers, in bytes
 * @param handshakeTimeout time a client has to finish the TLS handshake
 * @param idleTimeout time a connection may stay silent between requests
 */
public record ChannelOptions(String bindAddress, int port, int threads, int maxBody, int maxHead,
        Duration handshakeTimeout, Duration idleTimeout) {
}
