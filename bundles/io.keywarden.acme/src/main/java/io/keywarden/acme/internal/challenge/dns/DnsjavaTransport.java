package io.keywarden.acme.internal.challenge.dns;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/** {@link DnsTransport} over dnsjava's {@link SimpleResolver}: queries over UDP, updates over TCP, bounded waits. */
final class DnsjavaTransport implements DnsTransport {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TSIG tsig;

    /** @param algorithm e.g. {@code hmac-sha256}; the secret stays inside dnsjava's TSIG object */
    DnsjavaTransport(String algorithm, String keyName, byte[] secret) throws TextParseException {
        this.tsig = new TSIG(
                Name.fromString(requireNonNull(algorithm, "algorithm") + "."),
                Name.fromString(requireNonNull(keyName, "keyName")),
                requireNonNull(secret, "secret"));
    }

    @Override
    public Message query(InetSocketAddress server, Message query) throws IOException {
        SimpleResolver r = resolver(server);
        return r.send(query);
    }

    @Override
    public Message update(InetSocketAddress server, Message update) throws IOException {
        SimpleResolver r = resolver(server);
        // TCP: an update and its signed answer must not be lost or truncated on the way
        r.setTCP(true);
        r.setTSIGKey(tsig);
        Message response = r.send(update);
        if (response.getRcode() == Rcode.NOERROR && !response.isVerified()) {
            throw new IOException("the answer to the update is not signed with our TSIG key: not from the server "
                    + "holding the key");
        }
        return response;
    }

    private static SimpleResolver resolver(InetSocketAddress server) {
        InetSocketAddress resolved =
                server.isUnresolved() ? new InetSocketAddress(server.getHostString(), server.getPort()) : server;
        SimpleResolver r = new SimpleResolver(resolved);
        r.setTimeout(TIMEOUT);
        return r;
    }
}
