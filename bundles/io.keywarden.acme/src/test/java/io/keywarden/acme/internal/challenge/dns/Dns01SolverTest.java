package io.keywarden.acme.internal.challenge.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import io.keywarden.acme.internal.challenge.ChallengeSolver;
import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.api.enrollment.EnrollmentException;

/** The dns-01 logic with canned DNS answers: TXT value, CNAME following, where updates go, error mapping. */
class Dns01SolverTest {

    /** Canned zone data: CNAMEs, zone apexes; records every update and applies adds to its TXT view. */
    private static class FakeDns implements DnsTransport {
        final Map<Name, Name> cnames = new HashMap<>();
        final List<Name> apexes = new ArrayList<>();
        final List<Message> updates = new ArrayList<>();
        final Map<Name, List<String>> txt = new HashMap<>();
        final Map<Name, List<Name>> nameServers = new HashMap<>();
        final List<String> txtAskedAt = new ArrayList<>();
        int updateRcode = Rcode.NOERROR;
        int tsigError = Rcode.NOERROR;

        @Override
        public Message query(InetSocketAddress server, Message query) {
            Record q = query.getQuestion();
            Message m = new Message(query.getHeader().getID());
            m.addRecord(q, Section.QUESTION);
            if (q.getType() == Type.CNAME && cnames.containsKey(q.getName())) {
                m.addRecord(new CNAMERecord(q.getName(), DClass.IN, 60, cnames.get(q.getName())), Section.ANSWER);
            } else if (q.getType() == Type.SOA) {
                for (Name apex : apexes) {
                    if (q.getName().subdomain(apex)) {
                        m.addRecord(soa(apex), q.getName().equals(apex) ? Section.ANSWER : Section.AUTHORITY);
                    }
                }
            } else if (q.getType() == Type.NS) {
                for (Name ns : nameServers.getOrDefault(q.getName(), List.of())) {
                    m.addRecord(new NSRecord(q.getName(), DClass.IN, 60, ns), Section.ANSWER);
                }
            } else if (q.getType() == Type.TXT) {
                txtAskedAt.add(server.getHostString() + ":" + server.getPort());
                for (String v : txt.getOrDefault(q.getName(), List.of())) {
                    m.addRecord(new TXTRecord(q.getName(), DClass.IN, 60, v), Section.ANSWER);
                }
            }
            return m;
        }

        @Override
        public Message update(InetSocketAddress server, Message update) throws IOException {
            updates.add(update);
            Message m = new Message(update.getHeader().getID());
            m.getHeader().setRcode(updateRcode);
            if (tsigError != Rcode.NOERROR) {
                m.addRecord(
                        new TSIGRecord(
                                Name.fromConstantString("k."),
                                DClass.ANY,
                                0,
                                TSIG.HMAC_SHA256,
                                Instant.now(),
                                Duration.ofSeconds(300),
                                new byte[0],
                                0,
                                tsigError,
                                null),
                        Section.ADDITIONAL);
            }
            if (updateRcode == Rcode.NOERROR) {
                for (Record r : update.getSection(Section.UPDATE)) {
                    if (r instanceof TXTRecord t && r.getDClass() == DClass.IN) {
                        txt.computeIfAbsent(r.getName(), n -> new ArrayList<>()).addAll(t.getStrings());
                    }
                }
            }
            return m;
        }

        private static SOARecord soa(Name apex) {
            return new SOARecord(
                    apex,
                    DClass.IN,
                    60,
                    Name.fromConstantString("ns1." + apex),
                    Name.fromConstantString("hostmaster." + apex),
                    1,
                    60,
                    60,
                    600,
                    60);
        }
    }

    private static Dns01Options options(boolean propagationCheck) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(Dns01Options.KEY_SERVER, "127.0.0.1:5300");
        p.put(Dns01Options.KEY_TSIG_KEY_NAME, "gw-key");
        p.put(Dns01Options.KEY_TSIG_SECRET, Base64.getEncoder().encodeToString(new byte[32]));
        p.put(Dns01Options.KEY_PROPAGATION_CHECK, propagationCheck);
        p.put(Dns01Options.KEY_PROPAGATION_SERVERS, "127.0.0.1:5300");
        return Dns01Options.parse(p).orElseThrow();
    }

    private static Name name(String n) {
        return Name.fromConstantString(n);
    }

    @Test
    void theTxtValueIsBase64urlOfSha256OfTheKeyAuthorization() {
        // computed independently: printf %s "<key authorization>" | openssl dgst -sha256 -binary | basenc --base64url
        assertEquals(
                "lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM",
                TxtValue.of("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr"
                        + "-oA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"));
    }

    @Test
    void theRecordGoesWhereTheCnameChainEndsInThatNamesZone() throws Exception {
        FakeDns dns = new FakeDns();
        dns.apexes.add(name("example.test."));
        dns.apexes.add(name("acme.example.net."));
        dns.cnames.put(name("_acme-challenge.gw.example.test."), name("hop.example.test."));
        dns.cnames.put(name("hop.example.test."), name("gw.acme.example.net."));
        Dns01Solver solver = new Dns01Solver(options(true), dns);

        try (ChallengeSolver.Published p = solver.publish("gw.example.test", "t", "t.thumb")) {
            Message add = dns.updates.get(0);
            assertEquals(
                    name("acme.example.net."), add.getQuestion().getName(), "the update goes to the target's zone");
            Record r = add.getSection(Section.UPDATE).get(0);
            assertEquals(name("gw.acme.example.net."), r.getName());
            assertEquals(List.of(TxtValue.of("t.thumb")), ((TXTRecord) r).getStrings());
        }
        Record removed = dns.updates.get(1).getSection(Section.UPDATE).get(0);
        assertEquals(DClass.NONE, removed.getDClass(), "removal deletes exactly our record (class NONE)");
        assertEquals(List.of(TxtValue.of("t.thumb")), ((TXTRecord) removed).getStrings());
    }

    @Test
    void withoutListedServersEveryNameServerOfTheZoneIsAskedOnPort53() throws Exception {
        FakeDns dns = new FakeDns();
        dns.apexes.add(name("example.test."));
        dns.nameServers.put(name("example.test."), List.of(name("ns1.example.test."), name("ns2.example.net.")));
        Map<String, Object> p = new HashMap<>();
        p.put(Dns01Options.KEY_SERVER, "127.0.0.1:5300");
        p.put(Dns01Options.KEY_TSIG_KEY_NAME, "gw-key");
        p.put(Dns01Options.KEY_TSIG_SECRET, Base64.getEncoder().encodeToString(new byte[32]));
        try (ChallengeSolver.Published published =
                new Dns01Solver(Dns01Options.parse(p).orElseThrow(), dns).publish("gw.example.test", "t", "t.thumb")) {
            assertEquals(List.of("ns1.example.test:53", "ns2.example.net:53"), dns.txtAskedAt);
        }
    }

    @Test
    void aWildcardIdentifierUsesTheChallengeNameOfItsBase() throws Exception {
        FakeDns dns = new FakeDns();
        dns.apexes.add(name("example.test."));
        Dns01Solver.Target t = new Dns01Solver(options(false), dns).target("*.Field.Example.test");
        assertEquals(name("_acme-challenge.field.example.test."), t.owner());
        assertEquals(name("example.test."), t.zone());
    }

    @Test
    void aCnameLoopIsAnErrorNotAHang() throws Exception {
        FakeDns dns = new FakeDns();
        dns.cnames.put(name("_acme-challenge.gw.example.test."), name("a.example.test."));
        dns.cnames.put(name("a.example.test."), name("_acme-challenge.gw.example.test."));
        EnrollmentException e = assertThrows(
                EnrollmentException.class, () -> new Dns01Solver(options(false), dns).check("gw.example.test"));
        assertTrue(e.getMessage().contains("CNAME loop"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void aNameInNoZoneAsksForTheZoneProperty() throws Exception {
        EnrollmentException e = assertThrows(
                EnrollmentException.class,
                () -> new Dns01Solver(options(false), new FakeDns()).check("gw.example.test"));
        assertTrue(e.getMessage().startsWith(Dns01Options.KEY_ZONE + ":"), e.getMessage());
    }

    @Test
    void refusalsNameThePropertyToFixAndAreNotRetried() {
        Object[][] cases = {
            {Rcode.NOTAUTH, Rcode.BADKEY, Dns01Options.KEY_TSIG_KEY_NAME, "BADKEY"},
            {Rcode.NOTAUTH, Rcode.BADSIG, Dns01Options.KEY_TSIG_SECRET, "BADSIG"},
            {Rcode.NOTAUTH, Rcode.NOERROR, Dns01Options.KEY_TSIG_SECRET, "NOTAUTH"},
            {Rcode.REFUSED, Rcode.NOERROR, Dns01Options.KEY_TSIG_KEY_NAME, "REFUSED"},
            {Rcode.NOTZONE, Rcode.NOERROR, Dns01Options.KEY_ZONE, "NOTZONE"},
        };
        for (Object[] c : cases) {
            FakeDns dns = new FakeDns();
            dns.apexes.add(name("example.test."));
            dns.updateRcode = (int) c[0];
            dns.tsigError = (int) c[1];
            EnrollmentException e = assertThrows(
                    EnrollmentException.class, () -> new Dns01Solver(options(false), dns).check("gw.example.test"));
            assertTrue(e.getMessage().startsWith(c[2] + ":"), e.getMessage());
            assertTrue(e.getMessage().contains((String) c[3]), e.getMessage());
            assertFalse(e.isRetryable(), e.getMessage());
        }
    }

    @Test
    void aServerFailureAndAClockSkewAreRetried() {
        for (int[] c : new int[][] {{Rcode.SERVFAIL, Rcode.NOERROR}, {Rcode.NOTAUTH, Rcode.BADTIME}}) {
            Message m = new Message();
            m.getHeader().setRcode(c[0]);
            if (c[1] != Rcode.NOERROR) {
                m.addRecord(
                        new TSIGRecord(
                                name("k."),
                                DClass.ANY,
                                0,
                                TSIG.HMAC_SHA256,
                                Instant.now(),
                                Duration.ofSeconds(300),
                                new byte[0],
                                0,
                                c[1],
                                null),
                        Section.ADDITIONAL);
            }
            EnrollmentException e = UpdateErrors.of(m, "k.", "example.test.", "x.example.test.");
            assertTrue(e.isRetryable(), e.getMessage());
        }
        assertNull(UpdateErrors.of(new Message(), "k.", "z.", "x.z."));
    }

    @Test
    void theCheckBeforeOrderingDeletesARecordThatIsNeverWritten() throws Exception {
        FakeDns dns = new FakeDns();
        dns.apexes.add(name("example.test."));
        new Dns01Solver(options(false), dns).check("gw.example.test");
        Update u = (Update) dns.updates.get(0);
        Record r = u.getSection(Section.UPDATE).get(0);
        assertEquals(DClass.NONE, r.getDClass());
        assertEquals(List.of(Dns01Solver.CHECK_VALUE), ((TXTRecord) r).getStrings());
        assertTrue(dns.txt.isEmpty());
    }

    @Test
    void anUnreachableServerIsRetried() throws Exception {
        FakeDns dns = new FakeDns() {
            @Override
            public Message update(InetSocketAddress server, Message update) throws IOException {
                throw new IOException("connection refused");
            }
        };
        dns.apexes.add(name("example.test."));
        EnrollmentException e = assertThrows(
                EnrollmentException.class, () -> new Dns01Solver(options(false), dns).check("gw.example.test"));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains(Dns01Options.KEY_SERVER), e.getMessage());
    }
}
