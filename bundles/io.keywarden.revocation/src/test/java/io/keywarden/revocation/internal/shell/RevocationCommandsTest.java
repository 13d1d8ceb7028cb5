package io.keywarden.revocation.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRequestSigner;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.audit.AuditLog;
import io.keywarden.revocation.internal.request.RequestCodec;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestKeys;

class RevocationCommandsTest {

    @TempDir
    Path dir;

    /** Verifies what it is given with the operator's key and answers REVOKED for it. */
    private static final class Service implements RevocationService {
        final List<RevocationRequest> received = new ArrayList<>();
        final KeyPair operator;

        Service(KeyPair operator) {
            this.operator = operator;
        }

        @Override
        public RevocationTicket submit(String signed) {
            try {
                RequestCodec.Parsed p = RequestCodec.parse(signed);
                RequestCodec.verify(p, operator.getPublic());
                received.add(p.claimed());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return ticket(TicketState.REVOKED);
        }

        @Override
        public Optional<RevocationTicket> getTicket(String id) {
            return Optional.of(ticket(TicketState.REVOKED));
        }

        @Override
        public List<RevocationTicket> getTickets() {
            return List.of(ticket(TicketState.REVOKED), ticket(TicketState.REFUSED));
        }

        @Override
        public CompletionStage<RevocationTicket> whenSettled(String id) {
            return CompletableFuture.completedFuture(ticket(TicketState.REVOKED));
        }

        final List<RevocationProgress> progress = new ArrayList<>();

        @Override
        public List<RevocationProgress> getProgress() {
            return progress;
        }

        @Override
        public Optional<RevocationProgress> getProgress(String ticketId) {
            return progress.stream()
                    .filter(p -> p.getTicketId().equals(ticketId))
                    .findFirst();
        }

        private static RevocationTicket ticket(TicketState state) {
            return new RevocationTicket() {
                public String getId() {
                    return "t-" + state;
                }

                public TicketState getState() {
                    return state;
                }

                public Optional<RevocationRequest> getRequest() {
                    return Optional.empty();
                }

                public Optional<RefusalReason> getRefusalReason() {
                    return state == TicketState.REFUSED ? Optional.of(RefusalReason.OUT_OF_SCOPE) : Optional.empty();
                }

                public Optional<String> getDetail() {
                    return Optional.empty();
                }

                public Instant getSubmittedAt() {
                    return Instant.EPOCH;
                }

                public List<CertificateRevocation> getCertificates() {
                    return List.of(new CertificateRevocation(
                            "ab",
                            "sensor-1",
                            CertificateRevocation.State.REVOKED,
                            RevocationRoute.CUSTODIAN_ACCOUNT,
                            "revoked",
                            Instant.EPOCH));
                }

                public boolean isAccountDeactivated() {
                    return false;
                }

                public int getAttempts() {
                    return 1;
                }

                public Optional<Instant> getNextAttemptAt() {
                    return Optional.empty();
                }
            };
        }
    }

    private static final RevocationRequestSigner SIGNER = new RevocationRequestSigner() {
        @Override
        public String sign(RevocationRequest request, PrivateKey key) {
            return RequestCodec.sign(request, key);
        }
    };

    @Test
    void revokeSignsWithTheConfiguredOperatorKeyAndPrintsTheOutcome() throws Exception {
        KeyPair operator = TestKeys.ec("secp256r1");
        Path key = dir.resolve("operator.pem");
        Files.writeString(key, Pem.encode("PRIVATE KEY", operator.getPrivate().getEncoded()));
        Service service = new Service(operator);
        RevocationCommands c = new RevocationCommands(
                service,
                SIGNER,
                null,
                Map.of("shell.operator.id", "ops", "shell.operator.key", key.toString(), "data.dir", dir.toString()));

        String out = c.revoke("device:sensor-1", "key_compromise");
        assertTrue(out.contains("REVOKED") && out.contains("via CUSTODIAN_ACCOUNT"), out);
        RevocationRequest r = service.received.get(0);
        assertEquals(RevocationTarget.device("sensor-1"), r.getTarget());
        assertEquals(RevocationReason.KEY_COMPROMISE, r.getReason());
        assertEquals("ops", r.getRequester());

        c.revoke("gateway:gw-1", "1");
        assertEquals(
                RevocationTarget.compromisedGateway("gw-1"),
                service.received.get(1).getTarget());
        assertThrows(IllegalArgumentException.class, () -> c.revoke("sensor-1", "1"));
        assertThrows(IllegalArgumentException.class, () -> c.revoke("device:x", "7"));

        assertTrue(c.tickets().contains("OUT_OF_SCOPE"), c.tickets());
    }

    @Test
    void auditverifyReportsTheLogOfTheConfiguredDataDirectory() throws Exception {
        try (AuditLog log = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC())) {
            log.append("ACCEPTED", Map.of("ticket", "t1"));
        }
        RevocationCommands c = new RevocationCommands(
                new Service(TestKeys.ec("secp256r1")), SIGNER, null, Map.of("data.dir", dir.toString()));
        assertEquals("audit log intact: 1 entries", c.auditverify());
        Files.writeString(
                dir.resolve("audit.log"),
                Files.readString(dir.resolve("audit.log")).replace("t1", "t2"));
        assertTrue(c.auditverify().contains("line 1 was edited"), c.auditverify());
        assertThrows(
                IllegalArgumentException.class,
                () -> new RevocationCommands(new Service(null), SIGNER, null, Map.of()).revoke("device:x"));
    }
}
