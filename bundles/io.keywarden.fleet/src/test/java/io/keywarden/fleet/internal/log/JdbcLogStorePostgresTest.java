package io.keywarden.fleet.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;

/** {@link JdbcLogStoreTest} on a real PostgreSQL, and PostgreSQL restarting under a running store. */
class JdbcLogStorePostgresTest extends JdbcLogStoreTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.POSTGRESQL;
    }

    /** Issue 14 test 4 at the store: every connection is dropped by the restart; the next append reconnects. */
    @Test
    void postgresqlRestartingBetweenTwoMessagesLosesNothingAndTheStoreReconnectsByItself() throws IOException {
        List<CertificateRecord> records = new ArrayList<>(List.of(GW1.record(DeviceKind.GATEWAY, "acct-1")));
        records.addAll(sensors("acct-1", "r1", "r2", "r3"));
        List<LogStore.Entry> log = entries(GW1, 1, IssuanceEvent.GENESIS, records);
        store.append("gw1.test", log.subList(0, 2));
        STORES.postgres().restart();
        store.append("gw1.test", log.subList(2, 4));
        assertEquals(new LogStore.Head(4, log.get(3).hash()), store.head("gw1.test"));
        assertEquals(
                records.stream().map(CertificateRecord::getSerial).toList(),
                store.records("gw1.test").stream()
                        .map(CertificateRecord::getSerial)
                        .toList());
    }
}
