package io.keywarden.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * One instance of the fleet authority: a runtime process with its own configuration, data, inbox and log, enrolled
 * under its own host name (its http-01 responder listens on its own loopback address). Several instances share the
 * authority's keys, one broker and, when configured so, one database ({@link FleetStage#addAuthority}).
 */
final class AuthorityNode implements AutoCloseable {
    final String name;
    final String host;
    final String address;
    final Path work;
    final Path etc;
    final Path data;
    final Path revocation;
    final Path fleet;
    final Path inbox;
    final Path deposits;
    private RuntimeProcess runtime;

    AuthorityNode(String name, String host, String address, Path work) {
        this.name = name;
        this.host = host;
        this.address = address;
        this.work = work;
        this.etc = work.resolve("etc");
        this.data = work.resolve("data");
        this.revocation = work.resolve("revocation");
        this.fleet = work.resolve("fleet");
        this.inbox = work.resolve("inbox");
        this.deposits = work.resolve("escrow-deposits");
    }

    synchronized RuntimeProcess start(Path runtimeJar) {
        runtime = RuntimeProcess.startBackground(runtimeJar, etc, work, log(), List.of());
        return runtime;
    }

    synchronized RuntimeProcess runtime() {
        return runtime;
    }

    /** SIGKILL, as the loss of the node would: nothing flushed, nothing said to the broker or the database. */
    void kill() throws InterruptedException {
        RuntimeProcess r = runtime();
        if (r != null) {
            r.kill();
        }
    }

    RevocationInbox inbox() {
        return new RevocationInbox(inbox);
    }

    Path log() {
        return work.resolve("runtime.log");
    }

    Path audit() {
        return revocation.resolve("audit.log");
    }

    String tail(int lines) {
        return RuntimeProcess.tail(log(), lines);
    }

    @Override
    public void close() {
        RuntimeProcess r = runtime();
        if (r != null) {
            r.close();
        }
    }
}
