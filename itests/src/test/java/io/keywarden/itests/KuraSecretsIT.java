package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;

import org.eclipse.kura.crypto.CryptoService;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;

import io.keywarden.api.config.SecretDecoder;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.GatewayEnrollmentService;

/**
 * Password-typed properties as Kura delivers them: encrypted by Kura's CryptoService (here a fake doing the same AES-GCM).
 * The EAB HMAC key reaches the ACME bundle encrypted; while the Kura adapter's SecretDecoder is not registered (Kura's
 * CryptoService not yet there) the ACME component waits instead of using the encrypted text, and once it is, the key is
 * decrypted and the gateway registers with a Pebble that requires External Account Binding. A value that does not
 * decrypt is refused naming the property.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KuraSecretsIT extends KeywardenTestSupport {
    private static final String ACME_COMPONENT = "io.keywarden.acme.internal.AcmeEnrollmentComponent";

    private final CaControl ca = new CaControl(ItProperties.CA_EAB);
    private ServiceRegistration<CryptoService> cryptoRegistration;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.kuraOptions();
    }

    @After
    public void removeCrypto() {
        if (cryptoRegistration != null) {
            cryptoRegistration.unregister();
        }
    }

    @Test
    public void anEncryptedEabKeyIsDecryptedThroughKurasCryptoServiceAndEabWorks() throws Exception {
        ca.start();
        FakeKuraCrypto crypto = new FakeKuraCrypto();
        String encrypted = new String(crypto.encryptAes(ItProperties.EAB_HMAC.toCharArray()));
        assertNotEquals(ItProperties.EAB_HMAC, encrypted);

        String name = "gw-kura-eab." + framework() + ".keywarden.example";
        Hashtable<String, Object> config = gatewayConfig(ca, name);
        config.put("acme.eab.kid", ItProperties.EAB_KID);
        config.put("acme.eab.hmac.key", encrypted);
        applyConfig(config);

        // the ACME component is active with this configuration, but waits: no decoder, so no services, no account
        awaitTrue(
                "ACME component active with the encrypted configuration",
                SERVICE_TIMEOUT,
                () -> acmeComponentState() == ComponentConfigurationDTO.ACTIVE);
        assertFalse("no SecretDecoder without Kura's CryptoService", isRegistered(SecretDecoder.class));
        assertFalse("enrollment waits for the decoder", isRegistered(GatewayEnrollmentService.class));

        Hashtable<String, Object> p =
                new Hashtable<>(Map.of("kura.service.pid", "org.eclipse.kura.crypto.CryptoService"));
        cryptoRegistration = context.registerService(CryptoService.class, crypto, p);
        awaitService(SecretDecoder.class);
        GatewayEnrollmentService gateway = awaitGatewayService();
        CertificateRecord record = awaitGatewayEnrolled(gateway);
        assertEquals(name, record.getDeviceId());
        assertEquals("Valid", ca.certStatus(record.getSerial()));
        assertTrue("an account at the EAB CA", gateway.getAccountUrl().isPresent());

        // a Password value Kura's CryptoService cannot decrypt: refused, naming the property, never used raw
        Hashtable<String, Object> broken = gatewayConfig(ca, name);
        broken.put("acme.eab.kid", ItProperties.EAB_KID);
        broken.put("acme.eab.hmac.key", "AAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA==");
        applyConfig(broken);
        Event invalid = events.await(
                EnrollmentEvents.TOPIC_CONFIG_INVALID,
                e -> "acme.eab.hmac.key".equals(e.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY)),
                Duration.ofSeconds(20));
        String error = String.valueOf(invalid.getProperty(EnrollmentEvents.PROPERTY_ERROR));
        assertTrue(error, error.contains("cannot be decrypted"));
        assertFalse("the message does not echo the value", error.contains("AAAAAAAAAAAAAAAA"));
    }

    private int acmeComponentState() {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(ACME_BUNDLE))) {
                if (ACME_COMPONENT.equals(d.name)) {
                    for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                        return c.state;
                    }
                }
            }
            return -1;
        } finally {
            context.ungetService(ref);
        }
    }
}
