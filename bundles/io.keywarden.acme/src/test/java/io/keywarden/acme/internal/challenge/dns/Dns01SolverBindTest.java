package io.keywarden.acme.internal.challenge.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

import io.keywarden.acme.internal.challenge.ChallengeSolver;
import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.testing.dns.BindServer;

/** The dns-01 solver against a real BIND 9: updates, CNAME delegation, and what a refused key looks like. */
class Dns01SolverBindTest {
    private static final String ZONE = "dns.keywarden.test";
    private static final String DELEGATED = "delegated.keywarden.test";
    private static final String GW_KEY = "keywarden-gw";
    private static final String DELEGATE_KEY = "keywarden-delegate";

    @TempDir
    static Path work;

    private static BindServer bind;

    @BeforeAll
    static void startBind() {
        bind = BindServer.builder(work.resolve("bind"))
                .key(GW_KEY)
                .key(DELEGATE_KEY)
                .zone(
                        ZONE,
                        List.of(
                                "gw A 127.0.0.1",
                                "cname-gw A 127.0.0.1",
                                "_acme-challenge.cname-gw CNAME cname-gw." + DELEGATED + "."),
                        "grant " + GW_KEY + ". zonesub TXT;")
                .zone(DELEGATED, List.of(), "grant " + DELEGATE_KEY + ". zonesub TXT;")
                .build()
                .start();
    }

    @AfterAll
    static void stopBind() {
        if (bind != null) {
            bind.close();
        }
    }

    private static Dns01Solver solver(String key, String secret) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(Dns01Options.KEY_SERVER, bind.address());
        p.put(Dns01Options.KEY_TSIG_KEY_NAME, key);
        p.put(Dns01Options.KEY_TSIG_SECRET, secret);
        p.put(Dns01Options.KEY_PROPAGATION_SERVERS, bind.address());
        p.put(Dns01Options.KEY_PROPAGATION_TIMEOUT, 10);
        return Dns01Solver.create(Dns01Options.parse(p).orElseThrow());
    }

    private static boolean visible(String owner, String txt) throws Exception {
        DnsLookups lookups = new DnsLookups(
                new DnsjavaTransport("hmac-sha256", "unused", new byte[32]),
                InetSocketAddress.createUnresolved("127.0.0.1", bind.port()));
        return lookups.shows(InetSocketAddress.createUnresolved("127.0.0.1", bind.port()), Name.fromString(owner), txt);
    }

    @Test
    void theTxtRecordIsThereWhilePublishedAndGoneAfterwards() throws Exception {
        Dns01Solver solver = solver(GW_KEY, bind.secret(GW_KEY));
        solver.check("gw." + ZONE);
        String txt = TxtValue.of("token-1.thumbprint");
        try (ChallengeSolver.Published p = solver.publish("gw." + ZONE, "token-1", "token-1.thumbprint")) {
            assertTrue(visible("_acme-challenge.gw." + ZONE + ".", txt));
        }
        assertFalse(visible("_acme-challenge.gw." + ZONE + ".", txt));
    }

    @Test
    void aCnameSendsTheRecordToTheDelegatedZoneWithTheKeyThatMayWriteOnlyThere() throws Exception {
        Dns01Solver solver = solver(DELEGATE_KEY, bind.secret(DELEGATE_KEY));
        Dns01Solver.Target t = solver.target("cname-gw." + ZONE);
        assertEquals(Name.fromString("cname-gw." + DELEGATED + "."), t.owner());
        assertEquals(Name.fromString(DELEGATED + "."), t.zone());
        String txt = TxtValue.of("token-2.thumbprint");
        try (ChallengeSolver.Published p = solver.publish("cname-gw." + ZONE, "token-2", "token-2.thumbprint")) {
            assertTrue(visible("cname-gw." + DELEGATED + ".", txt));
        }
        assertFalse(visible("cname-gw." + DELEGATED + ".", txt));
        // the same key may not write the gateway's own name: the policy is what keeps a gateway to its own record
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> solver.check("gw." + ZONE));
        assertTrue(e.getMessage().startsWith(Dns01Options.KEY_TSIG_KEY_NAME + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("REFUSED"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void aWrongSecretNamesTheSecretProperty() throws Exception {
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        EnrollmentException e = assertThrows(
                EnrollmentException.class, () -> solver(GW_KEY, wrong).check("gw." + ZONE));
        assertTrue(e.getMessage().startsWith(Dns01Options.KEY_TSIG_SECRET + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("BADSIG"), e.getMessage());
        assertFalse(e.isRetryable());
        assertFalse(e.getMessage().contains(bind.secret(GW_KEY)));
    }

    @Test
    void anUnknownKeyNamesTheKeyNameProperty() throws Exception {
        EnrollmentException e = assertThrows(
                EnrollmentException.class,
                () -> solver("nobody-key", bind.secret(GW_KEY)).check("gw." + ZONE));
        assertTrue(e.getMessage().startsWith(Dns01Options.KEY_TSIG_KEY_NAME + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("BADKEY"), e.getMessage());
        assertFalse(e.isRetryable());
    }
}
