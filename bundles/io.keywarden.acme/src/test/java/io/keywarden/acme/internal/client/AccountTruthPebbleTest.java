package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.challenge.StandaloneHttp01;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.testing.pebble.PebbleHarness;

/**
 * What the fleet authority asks the CA about an escrowed account, against a real Pebble 2.4: proof that a key
 * controls an account, the account's certificates from its orders list, and the old key refused after a rollover.
 */
class AccountTruthPebbleTest {
    private static PebbleHarness pebble;

    @TempDir
    static Path work;

    @BeforeAll
    static void startPebble() {
        pebble = PebbleHarness.builder(work.resolve("pebble")).build().start();
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) {
            pebble.close();
        }
    }

    private static AcmeClient client(Path data, String name, StandaloneHttp01 responder) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(GatewayOptions.KEY_DIRECTORY_URL, pebble.directoryUrl().toString());
        p.put(GatewayOptions.KEY_TRUST_ANCHOR, pebble.trustAnchorFile().toString());
        p.put(GatewayOptions.KEY_DNS_NAME, name);
        p.put(GatewayOptions.KEY_HTTP01_PORT, pebble.httpPort());
        p.put(GatewayOptions.KEY_HTTP01_BIND, "127.0.0.1");
        p.put(GatewayOptions.KEY_ORDER_TIMEOUT, 30);
        Files.createDirectories(data);
        return new AcmeClient(
                GatewayOptions.parse(p, data),
                new StateStore(data),
                AcmeClientPebbleTest.http01Only(responder),
                Clock.systemUTC());
    }

    @Test
    void theCaListsEveryCertificateOfTheAccountAndRefusesAKeyThatDoesNotControlIt() throws Exception {
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort())) {
            Path gwData = work.resolve("gw");
            AcmeClient gateway = client(gwData, "gw.truth.keywarden.test", responder);
            Set<String> ordered = new java.util.TreeSet<>();
            List<IssuedCertificate> issued = new java.util.ArrayList<>();
            for (String name :
                    List.of("gw.truth.keywarden.test", "s1.truth.keywarden.test", "s2.truth.keywarden.test")) {
                IssuedCertificate c = gateway.order(OrderRequest.withKey(List.of(name), KeyType.EC_P256.generate()));
                ordered.add(c.getChain().get(0).getSerialNumber().toString(16));
                issued.add(c);
            }
            String account = gateway.accountUrl().orElseThrow();
            KeyPair accountKey = new StateStore(gwData).accountKey(pebble.directoryUrl(), () -> {
                throw new AssertionError("the account key exists");
            });
            AcmeClient authority = client(work.resolve("authority"), "authority.keywarden.test", responder);
            AcmeCaOperations ca = new AcmeCaOperations(authority, new StateStore(work.resolve("authority")));
            String directory = pebble.directoryUrl().toString();

            assertEquals("valid", ca.verifyAccount(directory, account, accountKey));
            Set<String> listed = ca.listCertificates(account, accountKey).stream()
                    .map(chain -> chain.get(0).getSerialNumber().toString(16))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertEquals(ordered, listed);

            // Pebble serves no revoked certificate (HTTP 404 for its URL): the listing leaves it out, and fails not
            X509Certificate s2 = issued.get(2).getChain().get(0);
            assertEquals(
                    RevocationOutcome.REVOKED,
                    ca.revoke(
                            CertificateRecord.builder()
                                    .deviceId("s2")
                                    .kind(DeviceKind.SENSOR)
                                    .identifiers(List.of("s2.truth.keywarden.test"))
                                    .serial(s2.getSerialNumber().toString(16))
                                    .notBefore(s2.getNotBefore().toInstant())
                                    .notAfter(s2.getNotAfter().toInstant())
                                    .chain(issued.get(2).getChain())
                                    .accountUrl(account)
                                    .keyCustody(KeyCustody.DEVICE)
                                    .status(CertificateStatus.CURRENT)
                                    .issuedAt(s2.getNotBefore().toInstant())
                                    .build(),
                            RevocationReason.KEY_COMPROMISE,
                            RevocationRoute.ESCROWED_ACCOUNT_KEY,
                            accountKey));
            Set<String> afterRevocation = ca.listCertificates(account, accountKey).stream()
                    .map(chain -> chain.get(0).getSerialNumber().toString(16))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            Set<String> expected = new java.util.TreeSet<>(ordered);
            expected.remove(s2.getSerialNumber().toString(16));
            assertEquals(expected, afterRevocation);

            CaOperationException wrongKey = assertThrows(
                    CaOperationException.class, () -> ca.verifyAccount(directory, account, KeyType.EC_P256.generate()));
            assertFalse(wrongKey.isTransient(), wrongKey.getMessage());
            CaOperationException otherCa = assertThrows(
                    CaOperationException.class,
                    () -> ca.verifyAccount("https://other-ca.example/dir", account, accountKey));
            assertFalse(otherCa.isTransient());
            assertTrue(otherCa.getMessage().contains("other-ca.example"), otherCa.getMessage());

            // the gateway rolls its account key over (RFC 8555 §7.3.5) behind the authority's back
            KeyPair rolled = KeyType.EC_P256.generate();
            gateway.login().getAccount().changeKey(rolled);
            CaOperationException lockedOut =
                    assertThrows(CaOperationException.class, () -> ca.verifyAccount(directory, account, accountKey));
            assertFalse(lockedOut.isTransient(), lockedOut.getMessage());
            assertThrows(CaOperationException.class, () -> ca.listCertificates(account, accountKey));
            assertEquals("valid", ca.verifyAccount(directory, account, rolled));
            assertEquals(2, ca.listCertificates(account, rolled).size());
        }
    }
}
