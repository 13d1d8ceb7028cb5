package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Test 5 of issue 15: the dynsec admin password comes from the configuration (a Password attribute arrives as a
 * String) and appears in no log line, at any level, and not in the audit trail, whether it is right or wrong.
 */
class CredentialLoggingTest extends BrokerTestBase {

    @Test
    void theAdminPasswordIsNeverLogged() throws Exception {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        System.setOut(tee);
        String wrong = "Wr0ng-" + PASSWORD;
        try {
            Map<String, Object> bad = new HashMap<>(options());
            bad.put(BrokerOptions.KEY_PASSWORD, wrong);
            bad.put(BrokerOptions.KEY_DATA_DIR, dir.resolve("bad").toString());
            try (MosquittoContainment c =
                    new MosquittoContainment(BrokerOptions.parse(bad, null), Clock.systemUTC()).start()) {
                c.contain(cn(sensor7), "t-wrong", "revocation");
                RefusedInputsTest.awaitAudit(c, "unreachable");
            }
            MosquittoContainment c = containment();
            Device s7 = device(sensor7);
            c.contain(cn(sensor7), "t-7", "revocation");
            RefusedInputsTest.awaitAudit(c, "disableClient: ok");
            assertTrue(s7.awaitLost(10_000));
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains(ADMIN), "the capture holds the component's logs (the admin's name):\n" + logs);
        assertTrue(logs.contains("DEBUG") || logs.contains("INFO"), logs);
        assertFalse(logs.contains(PASSWORD), "password in the logs:\n" + logs);
        assertFalse(logs.contains(wrong), "wrong password in the logs");
        String audit = Files.readString(containment.auditFile()) + Files.readString(dir.resolve("bad/audit.log"));
        assertFalse(audit.contains(PASSWORD), audit);
        assertTrue(audit.contains("not authorized") || audit.contains("unreachable"), audit);
    }
}
