package io.keywarden.acme.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.pki.TestCa;

class RevocationRecorderTest {
    @TempDir
    Path data;

    private EnrollmentEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private EnrollmentEngine engine() throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("acme.directory.url", "https://fake.example/dir");
        p.put("acme.trust.anchor", TestCa.root("anchor").certificatePem());
        p.put("gateway.dns.name", "gw.example");
        GatewayOptions o = GatewayOptions.parse(p, data);
        engine = new EnrollmentEngine(
                o,
                new StateStore(data),
                new FakeCa(),
                Clock.systemUTC(),
                new RenewalPlanner(o.getRenewalThreshold(), o.getRenewalJitter(), new Random(1)),
                new Backoff(o.getRetryInitial(), o.getRetryMax(), new Random(1)),
                new EnrollmentEngine.Listener() {
                    @Override
                    public void issued(CertificateRecord r, boolean renewal) {}

                    @Override
                    public void failed(String id, DeviceKind kind, EnrollmentException err, boolean willRetry) {}
                });
        return engine;
    }

    private CertificateRecord enroll(String id) throws Exception {
        return engine.enrollSensor(SensorEnrollmentRequest.builder(id)
                        .dnsName(id + ".gw.example")
                        .build())
                .get(10, TimeUnit.SECONDS);
    }

    private CertificateStatus status(String id) {
        return engine.certificatesOf(id).get(0).getStatus();
    }

    @Test
    void theRevokedEventMarksItsSerialsAndNothingElseOffEventAdminsThread() throws Exception {
        List<Runnable> handedOff = new ArrayList<>();
        RevocationRecorder recorder = new RevocationRecorder(engine(), handedOff::add);
        CertificateRecord s1 = enroll("s1");
        enroll("s2");
        recorder.handleEvent(new Event(
                RevocationEvents.TOPIC_REVOKED,
                Map.of(RevocationEvents.PROPERTY_TICKET_ID, "t1", RevocationEvents.PROPERTY_SERIALS, new String[] {
                    s1.getSerial(), "ffff"
                })));
        assertEquals(CertificateStatus.CURRENT, status("s1"), "nothing written on the caller's (EventAdmin's) thread");
        assertEquals(1, handedOff.size());
        handedOff.remove(0).run();
        assertEquals(CertificateStatus.REVOKED, status("s1"));
        assertEquals(CertificateStatus.CURRENT, status("s2"));
        // an event without serials (malformed, or from another producer) changes nothing
        recorder.handleEvent(new Event(RevocationEvents.TOPIC_REVOKED, Map.of()));
        assertTrue(handedOff.isEmpty());
        assertEquals(CertificateStatus.CURRENT, status("s2"));
    }

    @Test
    void onTheEnginesWorkersTheEventIsWrittenSoon() throws Exception {
        RevocationRecorder recorder = new RevocationRecorder(engine());
        CertificateRecord s1 = enroll("s1");
        recorder.handleEvent(new Event(
                RevocationEvents.TOPIC_REVOKED,
                Map.of(RevocationEvents.PROPERTY_TICKET_ID, "t1", RevocationEvents.PROPERTY_SERIALS, new String[] {
                    s1.getSerial()
                })));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (status("s1") != CertificateStatus.REVOKED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(CertificateStatus.REVOKED, status("s1"));
    }

    @Test
    void theJournalOfARevocationServiceMarksOnlyWhatTheCaRevoked() throws Exception {
        RevocationRecorder recorder = new RevocationRecorder(engine());
        CertificateRecord s1 = enroll("s1");
        CertificateRecord s2 = enroll("s2");
        CertificateRecord s3 = enroll("s3");
        recorder.reconcile(service(ticket(
                new CertificateRevocation(
                        s1.getSerial(),
                        "s1",
                        CertificateRevocation.State.REVOKED,
                        RevocationRoute.CUSTODIAN_ACCOUNT,
                        "revoked",
                        Instant.now()),
                new CertificateRevocation(s2.getSerial(), "s2", CertificateRevocation.State.PENDING, null, null, null),
                new CertificateRevocation(
                        s3.getSerial(),
                        "s3",
                        CertificateRevocation.State.FAILED,
                        null,
                        "urn:ietf:params:acme:error:unauthorized",
                        null))));
        assertEquals(CertificateStatus.REVOKED, status("s1"));
        assertEquals(CertificateStatus.CURRENT, status("s2"), "still pending at the CA");
        assertEquals(CertificateStatus.CURRENT, status("s3"), "the CA refused");
    }

    private static RevocationTicket ticket(CertificateRevocation... certificates) {
        return new RevocationTicket() {
            @Override
            public String getId() {
                return "t1";
            }

            @Override
            public TicketState getState() {
                return TicketState.RETRYING;
            }

            @Override
            public Optional<RevocationRequest> getRequest() {
                return Optional.empty();
            }

            @Override
            public Optional<RefusalReason> getRefusalReason() {
                return Optional.empty();
            }

            @Override
            public Optional<String> getDetail() {
                return Optional.empty();
            }

            @Override
            public Instant getSubmittedAt() {
                return Instant.now().minus(Duration.ofMinutes(1));
            }

            @Override
            public List<CertificateRevocation> getCertificates() {
                return List.of(certificates);
            }

            @Override
            public boolean isAccountDeactivated() {
                return false;
            }

            @Override
            public int getAttempts() {
                return 1;
            }

            @Override
            public Optional<Instant> getNextAttemptAt() {
                return Optional.empty();
            }
        };
    }

    private static RevocationService service(RevocationTicket... tickets) {
        return new RevocationService() {
            @Override
            public RevocationTicket submit(String signedRequest) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<RevocationTicket> getTicket(String id) {
                return Optional.empty();
            }

            @Override
            public List<RevocationTicket> getTickets() {
                return List.of(tickets);
            }

            @Override
            public CompletionStage<RevocationTicket> whenSettled(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<RevocationProgress> getProgress() {
                return List.of();
            }

            @Override
            public Optional<RevocationProgress> getProgress(String ticketId) {
                return Optional.empty();
            }
        };
    }
}
