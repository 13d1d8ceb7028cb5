package io.keywarden.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.KeyCustody;

/** The gateway enrolls itself from its ConfigAdmin configuration, and keeps account and certificate across restarts. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewayEnrollmentIT extends KeywardenTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Test
    public void configurationThroughConfigAdminEnrollsTheGateway() throws Exception {
        String gatewayName = "gw-config." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gatewayName));

        GatewayEnrollmentService gateway = awaitGatewayService();
        assertEquals(gatewayName, gateway.getDeviceId());
        CertificateRecord record = awaitGatewayEnrolled(gateway);

        // the record describes what the CA issued
        X509Certificate leaf = record.getCertificate();
        assertEquals(gatewayName, record.getDeviceId());
        assertEquals(DeviceKind.GATEWAY, record.getKind());
        assertEquals(KeyCustody.GATEWAY, record.getKeyCustody());
        assertEquals(CertificateStatus.CURRENT, record.getStatus());
        assertEquals(List.of(gatewayName), record.getIdentifiers());
        assertEquals(leaf.getSerialNumber().toString(16), record.getSerial());
        assertEquals(Set.of(gatewayName), dnsNames(leaf));
        assertEquals(leaf.getNotAfter().toInstant(), record.getNotAfter());
        assertTrue("notAfter in the future", record.getNotAfter().isAfter(Instant.now()));
        assertTrue(
                "chain holds the leaf and at least one issuer: "
                        + record.getChain().size(),
                record.getChain().size() >= 2);
        assertEquals(record.getChain().subList(1, record.getChain().size()), gateway.getCaCertificates());

        // the chain verifies up to the root Pebble publishes at /roots/0, and Pebble knows the certificate as valid
        X509Certificate root = ca.root();
        assertChainVerifiesTo(record.getChain(), root);
        assertEquals("Valid", ca.certStatus(record.getSerial()));

        // the certificate is for the key the gateway keeps, in a file only its owner can read
        assertOwnerOnly(deviceDir(gatewayName).resolve("key.pem"));
        assertArrayEquals(
                "certificate public key = gateway's stored key",
                publicKeyInPem(deviceDir(gatewayName).resolve("key.pem")),
                leaf.getPublicKey().getEncoded());

        // one account, the one that ordered the certificate, persisted
        String account =
                gateway.getAccountUrl().orElseThrow(() -> new AssertionError("no account URL after enrolling"));
        assertEquals(account, record.getAccountUrl());
        assertEquals(account, storedAccountUrl());

        // the inventory has it, and ENROLLED was announced with the serial
        CertificateInventory inventory = awaitService(CertificateInventory.class);
        assertEquals(
                record.getSerial(),
                inventory
                        .getBySerial(record.getSerial())
                        .map(CertificateRecord::getSerial)
                        .orElse(null));
        Event enrolled = events.await(
                EnrollmentEvents.TOPIC_ENROLLED,
                e -> gatewayName.equals(e.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID)),
                Duration.ofSeconds(10));
        assertEquals(record.getSerial(), enrolled.getProperty(EnrollmentEvents.PROPERTY_SERIAL));

        // the renewal is planned, before expiry
        Instant next = gateway.getStatus()
                .getNextAction()
                .orElseThrow(() -> new AssertionError("no renewal planned: " + gateway.getStatus()));
        assertTrue("renewal " + next + " before notAfter " + record.getNotAfter(), next.isBefore(record.getNotAfter()));

        // an operator tool (Kura's UI, Felix web console) finds the configuration's description
        assertMetatypeDescribesThePid();
    }

    private void assertMetatypeDescribesThePid() {
        ServiceReference<MetaTypeService> ref = context.getServiceReference(MetaTypeService.class);
        assertNotNull("a MetaTypeService is registered", ref);
        MetaTypeService metatype = context.getService(ref);
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle(ACME_BUNDLE));
        assertNotNull("metatype information of " + ACME_BUNDLE, info);
        assertTrue(
                "PIDs with metatype: " + List.of(info.getPids()),
                List.of(info.getPids()).contains(PID));
        ObjectClassDefinition ocd = info.getObjectClassDefinition(PID, null);
        assertEquals(PID, ocd.getID());
        List<String> ids = new ArrayList<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ids.add(ad.getID());
        }
        for (String key : List.of(
                "acme.directory.url",
                "acme.trust.anchor",
                "gateway.dns.name",
                "http01.port",
                "renewal.threshold",
                "retry.initial.seconds",
                "data.dir")) {
            assertTrue(key + " in the OCD's attributes " + ids, ids.contains(key));
        }
        AttributeDefinition port = find(ocd, "http01.port");
        assertEquals(AttributeDefinition.INTEGER, port.getType());
        assertArrayEquals(new String[] {"80"}, port.getDefaultValue());
    }

    private static AttributeDefinition find(ObjectClassDefinition ocd, String id) {
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            if (ad.getID().equals(id)) {
                return ad;
            }
        }
        throw new AssertionError("no attribute " + id);
    }

    @Test
    public void bundleRestartKeepsAccountAndCertificateWithoutANewOrder() throws Exception {
        String gatewayName = "gw-restart." + framework() + ".keywarden.example";
        applyConfig(gatewayConfig(ca, gatewayName));
        GatewayEnrollmentService before = awaitGatewayService();
        CertificateRecord first = awaitGatewayEnrolled(before);
        String account = before.getAccountUrl().orElseThrow(() -> new AssertionError("no account URL"));
        List<String> filesBefore = certFiles(gatewayName);
        assertTrue(filesBefore.toString(), filesBefore.contains(first.getSerial() + ".properties"));
        events.await(
                EnrollmentEvents.TOPIC_ENROLLED,
                e -> gatewayName.equals(e.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID)),
                Duration.ofSeconds(10));

        Bundle acme = bundle(ACME_BUNDLE);
        acme.stop();
        assertFalse(
                "GatewayEnrollmentService gone while the bundle is stopped",
                isRegistered(GatewayEnrollmentService.class));
        events.clear();
        acme.start();

        GatewayEnrollmentService after = awaitGatewayService();
        // resumed from disk: enrolled with the renewal planned again, and the same certificate
        await(
                "gateway ENROLLED with renewal planned after restart",
                SERVICE_TIMEOUT,
                () -> after.getStatus().getState() == EnrollmentState.ENROLLED
                        && after.getStatus().getNextAction().isPresent());
        assertEquals(
                first.getSerial(),
                after.getCertificate().map(CertificateRecord::getSerial).orElse(null));
        assertEquals(account, after.getCertificate().get().getAccountUrl());
        assertEquals(account, storedAccountUrl());
        assertEquals(
                "account URL the restarted service reports",
                account,
                after.getAccountUrl().orElse(null));

        // nothing ordered: give a (wrong) re-order time to show, then look at the files and the events
        Thread.sleep(2000);
        assertEquals("certificate files after restart", filesBefore, certFiles(gatewayName));
        assertEquals(
                first.getSerial(),
                after.getCertificate().map(CertificateRecord::getSerial).orElse(null));
        assertEquals(
                "no ENROLLED/RENEWED/FAILED event after restart: " + EventRecorder.describe(events.all()),
                0,
                events.forDevice(EnrollmentEvents.TOPIC_ENROLLED, gatewayName).size()
                        + events.forDevice(EnrollmentEvents.TOPIC_RENEWED, gatewayName)
                                .size()
                        + events.forDevice(EnrollmentEvents.TOPIC_FAILED, gatewayName)
                                .size());
        assertEquals(EnrollmentState.ENROLLED, after.getStatus().getState());
        assertEquals("Valid", ca.certStatus(first.getSerial()));
    }
}
