package io.keywarden.acme.internal.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.keywarden.acme.internal.config.ChallengeSelection;
import io.keywarden.api.enrollment.EnrollmentException;

/** Which solver answers for a name, and what happens when none can. */
class ChallengeSolversTest {

    /** Records what it was asked; never touches the network. */
    private static final class RecordingSolver implements ChallengeSolver {
        final String type;
        final List<String> checked = new ArrayList<>();

        RecordingSolver(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public void check(String identifier) {
            checked.add(identifier);
        }

        @Override
        public Published publish(String identifier, String token, String keyAuthorization) {
            return () -> {};
        }
    }

    private final RecordingSolver http = new RecordingSolver("http-01");
    private final RecordingSolver dns = new RecordingSolver("dns-01");

    @Test
    void aSensorsDeclaredTypeBeatsTheOverridesAndTheOverridesBeatTheDefault() throws Exception {
        ChallengeSelection selection = ChallengeSelection.parse("http-01", "*.field.example=dns-01");
        Map<String, String> declared = Map.of("s2.field.example", "HTTP-01", "s3.example", "dns-01");
        ChallengeSolvers solvers = new ChallengeSolvers(
                selection, Map.of("http-01", http, "dns-01", dns), id -> Optional.ofNullable(declared.get(id)));
        assertSame(dns, solvers.solverFor("s1.field.example"));
        assertSame(http, solvers.solverFor("s2.field.example"));
        assertSame(dns, solvers.solverFor("s3.example"));
        assertSame(http, solvers.solverFor("gw.example"));

        solvers.checkAll(List.of("s1.field.example", "gw.example", "s3.example"));
        assertEquals(List.of("s1.field.example", "s3.example"), dns.checked);
        assertEquals(List.of("gw.example"), http.checked);
    }

    @Test
    void anUnknownDeclaredTypeNamesThePropertyAndIsNotRetried() throws Exception {
        ChallengeSolvers solvers = new ChallengeSolvers(
                ChallengeSelection.always("http-01"), Map.of("http-01", http), id -> Optional.of("tls-alpn-01"));
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> solvers.solverFor("s1.example"));
        assertTrue(e.getMessage().startsWith("challenge.type:"), e.getMessage());
        assertTrue(e.getMessage().contains("tls-alpn-01"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void dns01WithoutDnsSettingsAsksForTheServer() throws Exception {
        ChallengeSolvers solvers = new ChallengeSolvers(
                ChallengeSelection.always("http-01"), Map.of("http-01", http), id -> Optional.of("dns-01"));
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> solvers.checkAll(List.of("s1.example")));
        assertTrue(e.getMessage().startsWith("dns01.server:"), e.getMessage());
        assertFalse(e.isRetryable());
        assertTrue(http.checked.isEmpty());
    }
}
