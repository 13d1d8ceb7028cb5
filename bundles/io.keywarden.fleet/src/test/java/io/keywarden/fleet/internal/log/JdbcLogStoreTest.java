package io.keywarden.fleet.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.inventory.GatewayEnvelope;
import io.keywarden.testing.pki.TestCa;

/**
 * The issuance log store's contract, on each database ({@link JdbcLogStoreH2Test}, {@link JdbcLogStorePostgresTest}):
 * what is appended comes back as it was, an append is all or nothing, and a second writer cannot extend a head it
 * did not read.
 */
abstract class JdbcLogStoreTest {
    static final TestStores STORES = new TestStores();
    private static final TestCa CA = TestCa.root("store CA");
    static final Device GW1 = Device.issue(CA, "gw1.test", "gw1.test");
    private static final Device GW2 = Device.issue(CA, "gw2.test", "gw2.test");

    @TempDir
    Path dir;

    JdbcLogStore store;

    abstract TestStores.Kind kind();

    @AfterAll
    static void closeStores() {
        STORES.close();
    }

    @BeforeEach
    void setUp() {
        store = STORES.store(kind(), dir);
    }

    /** Entries {@code from}..{@code from + records - 1} of a gateway's log, chained from {@code prev}. */
    static List<LogStore.Entry> entries(Device gw, long from, String prev, List<CertificateRecord> records) {
        List<LogStore.Entry> out = new ArrayList<>();
        for (CertificateRecord r : records) {
            IssuanceEvent e = IssuanceEvent.create(gw.deviceId(), from + out.size(), prev, 1_700_000_000L, r);
            out.add(new LogStore.Entry(
                    e.seq(), e.hash(), 42L + e.seq(), r, GatewayEnvelope.signPayload(e.payload(), gw.entry())));
            prev = e.hash();
        }
        return out;
    }

    static List<CertificateRecord> sensors(String account, String... ids) {
        List<CertificateRecord> out = new ArrayList<>();
        for (String id : ids) {
            out.add(Device.issue(CA, id, id + ".test").record(DeviceKind.SENSOR, account));
        }
        return out;
    }

    @Test
    void whatIsAppendedComesBackAsItWasAndIsFoundByGatewayDeviceSerialAndAccount() throws IOException {
        assertEquals(LogStore.Head.EMPTY, store.head("gw1.test"));
        List<CertificateRecord> records = new ArrayList<>();
        records.add(GW1.record(DeviceKind.GATEWAY, "acct-1"));
        records.addAll(sensors("acct-1", "s1", "s2"));
        List<LogStore.Entry> log = entries(GW1, 1, IssuanceEvent.GENESIS, records);
        store.append("gw1.test", log.subList(0, 1));
        store.append("gw1.test", log.subList(1, 3));

        assertEquals(new LogStore.Head(3, log.get(2).hash()), store.head("gw1.test"));
        assertEquals(Optional.of(log.get(1).hash()), store.hashAt("gw1.test", 2));
        assertEquals(Optional.of(IssuanceEvent.GENESIS), store.hashAt("gw1.test", 0));
        assertEquals(Optional.empty(), store.hashAt("gw1.test", 4));
        assertEquals(Set.of("gw1.test"), store.gateways());
        List<CertificateRecord> back = store.records("gw1.test");
        assertEquals(
                records.stream().map(CertificateRecord::getSerial).toList(),
                back.stream().map(CertificateRecord::getSerial).toList());
        assertEquals(records.get(1).getChain(), back.get(1).getChain());
        assertEquals(records.get(1).getDeviceId(), back.get(1).getDeviceId());
        assertEquals(
                List.of(records.get(2).getSerial()),
                store.recordsOfDevice("gw1.test", "s2").stream()
                        .map(CertificateRecord::getSerial)
                        .toList());
        assertEquals(
                Optional.of(records.get(1).getSerial()),
                store.record("gw1.test", records.get(1).getSerial()).map(CertificateRecord::getSerial));
        assertEquals(Optional.empty(), store.record("gw2.test", records.get(1).getSerial()), "another gateway's log");
        assertEquals(
                Optional.of(new LogStore.Owner("gw1.test", DeviceKind.SENSOR, "s1")),
                store.owner(records.get(1).getSerial()));
        assertEquals(Set.of(GW1.serial()), store.gatewaySerials("gw1.test"));
        assertEquals(Set.of("acct-1"), store.accounts("gw1.test"));
        assertEquals(Set.of("gw1.test"), store.accountHolders("acct-1"));
        assertEquals(Set.of(), store.accountHolders("acct-2"));
    }

    @Test
    void anAppendIsAllOrNothing() throws IOException {
        List<CertificateRecord> one = new ArrayList<>(List.of(GW1.record(DeviceKind.GATEWAY, "acct-1")));
        one.addAll(sensors("acct-1", "a"));
        List<LogStore.Entry> log1 = entries(GW1, 1, IssuanceEvent.GENESIS, one);
        store.append("gw1.test", log1);
        // gateway 2's second entry claims a certificate gateway 1 recorded: the whole message fails
        List<CertificateRecord> two = List.of(GW2.record(DeviceKind.GATEWAY, "acct-2"), one.get(1));
        IOException e = assertThrows(
                IOException.class, () -> store.append("gw2.test", entries(GW2, 1, IssuanceEvent.GENESIS, two)));
        assertEquals(LogStore.Head.EMPTY, store.head("gw2.test"), e.getMessage());
        assertEquals(List.of(), store.records("gw2.test"));
        assertEquals(Set.of("gw1.test"), store.gateways());
    }

    @Test
    void aSecondWriterCannotExtendAHeadItDidNotRead() throws IOException {
        List<CertificateRecord> records = new ArrayList<>(List.of(GW1.record(DeviceKind.GATEWAY, "acct-1")));
        records.addAll(sensors("acct-1", "x", "y"));
        List<LogStore.Entry> log = entries(GW1, 1, IssuanceEvent.GENESIS, records);
        store.append("gw1.test", log.subList(0, 2));
        // another instance read head 1 and appends its own entry 2: refused, nothing of it stored
        List<LogStore.Entry> other = entries(GW1, 2, log.get(0).hash(), sensors("acct-1", "z"));
        assertThrows(IOException.class, () -> store.append("gw1.test", other));
        assertThrows(IOException.class, () -> store.append("gw1.test", log.subList(1, 2)), "the same entry twice");
        assertThrows(
                IOException.class,
                () -> store.append("gw1.test", entries(GW1, 1, IssuanceEvent.GENESIS, sensors("acct-1", "w"))),
                "a second first entry");
        assertEquals(new LogStore.Head(2, log.get(1).hash()), store.head("gw1.test"));
        store.append("gw1.test", log.subList(2, 3));
        assertEquals(3, store.records("gw1.test").size());
    }

    @Test
    void aGatewayIsFrozenOnceAndForEveryoneSharingTheDatabase() throws IOException {
        assertEquals(false, store.isFrozen("gw1.test"));
        assertEquals(true, store.freeze("gw1.test", 1));
        assertEquals(false, store.freeze("gw1.test", 2), "frozen already");
        assertEquals(true, store.isFrozen("gw1.test"));
        assertEquals(false, store.isFrozen("gw2.test"));
    }
}
