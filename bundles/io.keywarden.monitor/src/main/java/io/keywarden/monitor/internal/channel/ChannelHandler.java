package io.keywarden.monitor.internal.channel;

/** Serves the requests of admitted clients; called only after the per-request deny and quarantine check passed. */
@FunctionalInterface
public interface ChannelHandler {
    HttpResponse handle(ClientIdentity client, HttpRequest request, long receivedNanos);
}
