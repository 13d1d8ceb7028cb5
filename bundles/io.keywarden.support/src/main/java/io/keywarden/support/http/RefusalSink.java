package io.keywarden.support.http;

/** Told about every connection a server refuses or closes early, so none goes unnoticed; must not block. */
@FunctionalInterface
public interface RefusalSink {
    void refusedConnection(ConnectionRefusal kind, String source);
}
