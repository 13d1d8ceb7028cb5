package io.keywarden.monitor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.monitor.internal.response.QuarantineStore;
import io.keywarden.testing.pki.TestCa;

/** What the sensor channel admits, decided before any report is read. */
class ChannelAdmissionTest {

    @TempDir
    Path data;

    @Test
    void withoutADenyListNoSensorIsAdmittedAndOnceOneIsThereTheyAre() throws Exception {
        TestCa pki = TestCa.root("Test CA");
        List<DenyList> denyLists = new CopyOnWriteArrayList<>();
        ChannelAdmission admission = new ChannelAdmission(
                new FakeServices.Gateway("gateway", pki.issue("gateway")),
                new FakeServices.Inventory(),
                denyLists,
                new QuarantineStore(data),
                (topic, props) -> {});
        CertificateRecord sensor = FakeServices.record("sensor-1", pki.issue("sensor-1"), DeviceKind.SENSOR);

        Optional<String> closed = admission.refusal(sensor);
        assertTrue(closed.isPresent(), "a revoked sensor could not be told apart: the channel must fail closed");
        assertTrue(closed.get().contains("no deny list"), closed.get());

        FakeServices.Deny deny = new FakeServices.Deny();
        denyLists.add(deny);
        assertEquals(Optional.empty(), admission.refusal(sensor));
        deny.serials.add(sensor.getSerial());
        assertTrue(admission.refusal(sensor).orElseThrow().contains("deny list"));
    }

    @Test
    void theGatewaysOwnCertificateIsNotAdmittedAsASensor() throws Exception {
        TestCa pki = TestCa.root("Test CA");
        FakeServices.Gateway gateway = new FakeServices.Gateway("gateway", pki.issue("gateway"));
        ChannelAdmission admission = new ChannelAdmission(
                gateway,
                new FakeServices.Inventory(),
                List.of(new FakeServices.Deny()),
                new QuarantineStore(data),
                (topic, props) -> {});

        Optional<String> refusal = admission.refusal(gateway.getCertificate().orElseThrow());
        assertTrue(refusal.orElseThrow().contains("not a sensor certificate (GATEWAY)"), refusal.toString());
    }
}
