package io.keywarden.acme.internal.challenge.dns;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.api.enrollment.EnrollmentException;

/** The read side of dns-01: where the record goes (CNAME delegation), in which zone, and whether it is visible. */
final class DnsLookups {
    /** More hops than any sane delegation; stops loops the server would happily serve. */
    static final int MAX_CNAME_HOPS = 8;

    private final DnsTransport transport;
    private final InetSocketAddress resolver;

    DnsLookups(DnsTransport transport, InetSocketAddress resolver) {
        this.transport = requireNonNull(transport, "transport");
        this.resolver = requireNonNull(resolver, "resolver");
    }

    /**
     * Follows CNAMEs from {@code name}: a gateway that may write only its own record gets
     * {@code _acme-challenge.<its name>} pointed at a name in a zone it may update, and the CA follows the same chain.
     */
    Name followCnames(Name name) throws EnrollmentException {
        Name current = name;
        Set<Name> seen = new HashSet<>();
        seen.add(current);
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            Optional<Name> target = cnameOf(current);
            if (target.isEmpty()) {
                return current;
            }
            current = target.get();
            if (!seen.add(current)) {
                throw new EnrollmentException("dns-01: CNAME loop from " + name + " at " + current, null, false);
            }
        }
        throw new EnrollmentException("dns-01: more than " + MAX_CNAME_HOPS + " CNAMEs from " + name, null, false);
    }

    private Optional<Name> cnameOf(Name name) throws EnrollmentException {
        Message answer = ask(name, Type.CNAME, true);
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof CNAMERecord c && r.getName().equals(name)) {
                return Optional.of(c.getTarget());
            }
        }
        return Optional.empty();
    }

    /**
     * The zone holding {@code name}: the owner of the SOA record the server gives for it (in the answer at a zone
     * apex, in the authority section below one).
     */
    Name zoneOf(Name name) throws EnrollmentException {
        Message answer = ask(name, Type.SOA, true);
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (Record r : answer.getSection(section)) {
                if (r instanceof SOARecord && name.subdomain(r.getName())) {
                    return r.getName();
                }
            }
        }
        throw new EnrollmentException(
                Dns01Options.KEY_ZONE + ": " + resolver + " names no zone holding " + name
                        + " (no SOA record); set the zone",
                null,
                false);
    }

    /** The name servers of a zone, on port 53. */
    List<InetSocketAddress> nameServers(Name zone) throws EnrollmentException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Record r : ask(zone, Type.NS, true).getSection(Section.ANSWER)) {
            if (r instanceof NSRecord ns) {
                out.add(InetSocketAddress.createUnresolved(ns.getTarget().toString(true), Dns01Options.DNS_PORT));
            }
        }
        if (out.isEmpty()) {
            throw new EnrollmentException(
                    Dns01Options.KEY_PROPAGATION_SERVERS + ": " + resolver + " names no name server of " + zone
                            + "; list the servers to check",
                    null,
                    false);
        }
        return out;
    }

    /** Whether {@code server} answers {@code txt} among the TXT records of {@code name} (asked authoritatively). */
    boolean shows(InetSocketAddress server, Name name, String txt) {
        try {
            Message answer = transport.query(server, query(name, Type.TXT, false));
            for (Record r : answer.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord t && t.getStrings().contains(txt)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private Message ask(Name name, int type, boolean recurse) throws EnrollmentException {
        Message answer;
        try {
            answer = transport.query(resolver, query(name, type, recurse));
        } catch (IOException e) {
            throw new EnrollmentException(
                    "dns-01: " + Type.string(type) + " lookup of " + name + " at " + resolver + " failed: "
                            + e.getMessage(),
                    e,
                    true);
        }
        int rcode = answer.getRcode();
        if (rcode == Rcode.REFUSED) {
            throw new EnrollmentException(
                    Dns01Options.KEY_RESOLVER + ": " + resolver + " refused to look up " + name
                            + " (REFUSED); set a server that answers for it",
                    null,
                    false);
        }
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new EnrollmentException(
                    "dns-01: " + Type.string(type) + " lookup of " + name + " at " + resolver + " answered "
                            + Rcode.string(rcode),
                    null,
                    true);
        }
        return answer;
    }

    private static Message query(Name name, int type, boolean recurse) {
        Message m = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (!recurse) {
            m.getHeader().unsetFlag(Flags.RD);
        }
        return m;
    }
}
