package io.keywarden.acme.internal.challenge.dns;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.xbill.DNS.Message;

/** Sends DNS messages; the seam between the dns-01 logic and the network (tests give canned answers). */
interface DnsTransport {

    /** A plain query; {@code server} may be unresolved (resolved at each call). */
    Message query(InetSocketAddress server, Message query) throws IOException;

    /**
     * An RFC 2136 update signed with the gateway's TSIG key. A NOERROR answer whose signature does not verify is an
     * {@link IOException}: only the server holding the key can say an update was applied.
     */
    Message update(InetSocketAddress server, Message update) throws IOException;
}
