package io.keywarden.kura.internal;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.certificate.enrollment.EnrollmentService;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.GatewayKeyHolder;
import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;

/**
 * Kura's {@link EnrollmentService} for the gateway's own identity, over Keywarden's ACME enrollment. The private key
 * never leaves Kura's keystore: the ACME service gets a CSR, and the chain it returns is stored next to the key under
 * the configured alias. Automatic renewals by the ACME service are copied into the keystore as they happen. As the
 * {@link GatewayKeyHolder} it lets the ACME service offer that key as the gateway's TLS identity (sensor channel, signed
 * fleet inventory); the key object stays the keystore's.
 */
@Component(
        configurationPid = KuraEnrollmentComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {EnrollmentService.class, ConfigurableComponent.class, EventHandler.class, GatewayKeyHolder.class},
        property = {
            "kura.service.pid=" + KuraEnrollmentComponent.PID,
            EventConstants.EVENT_TOPIC + "=" + EnrollmentEvents.TOPIC_ENROLLED,
            EventConstants.EVENT_TOPIC + "=" + EnrollmentEvents.TOPIC_RENEWED
        })
@Designate(ocd = KuraEnrollmentConfig.class)
public final class KuraEnrollmentComponent
        implements EnrollmentService, ConfigurableComponent, EventHandler, GatewayKeyHolder {
    static final String PID = "io.keywarden.kura.enrollment";
    private static final Logger LOG = LoggerFactory.getLogger(KuraEnrollmentComponent.class);

    private final GatewayEnrollmentService gateway;
    private final KeystoreService keystore;
    private volatile KuraEnrollmentConfig config;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Activate
    public KuraEnrollmentComponent(
            @Reference GatewayEnrollmentService gateway,
            @Reference(name = "KeystoreService") KeystoreService keystore,
            KuraEnrollmentConfig config) {
        this.gateway = gateway;
        this.keystore = keystore;
        this.config = config;
    }

    @Activate
    void activate() {
        check(config);
    }

    @Modified
    void modified(KuraEnrollmentConfig newConfig) {
        this.config = newConfig;
        check(newConfig);
    }

    /**
     * Reports a bad value like every Keywarden component (log line, CONFIG_INVALID) but does not throw: Kura shows and
     * edits a component only while its ConfigurableComponent service is registered, so this one stays registered to be
     * corrected, and enroll() and rekey() refuse with CONFIGURATION_ATTRIBUTE_INVALID meanwhile.
     */
    private void check(KuraEnrollmentConfig c) {
        try {
            GatewayKeys.checkConfiguration(c.keystore_alias(), c.key_type());
        } catch (InvalidConfigurationException e) {
            ConfigurationErrors.report(LOG, eventAdmin, PID, e);
        }
    }

    /** Orders the gateway's certificate for the key under the alias (created first when there is none). */
    @Override
    public synchronized void enroll() throws KuraException {
        if (isEnrolled()) {
            return;
        }
        Optional<KeyStore.PrivateKeyEntry> existing = entry();
        orderAndStore(
                existing.isPresent()
                        ? new KeyPair(
                                existing.get().getCertificate().getPublicKey(),
                                existing.get().getPrivateKey())
                        : newKey());
    }

    /** A new certificate for the same key, whatever the renewal schedule says. */
    @Override
    public synchronized void renew() throws KuraException {
        KeyStore.PrivateKeyEntry e = entry().orElseThrow(() -> notEnrolled());
        orderAndStore(new KeyPair(e.getCertificate().getPublicKey(), e.getPrivateKey()));
    }

    /** A new key pair and a certificate for it; the old key is replaced only once the new certificate is stored. */
    @Override
    public synchronized void rekey() throws KuraException {
        orderAndStore(newKey());
    }

    /** The issuer chain of the gateway's certificate as the CA sent it with the certificate (ACME has no other). */
    @Override
    public CertStore getCACertificates() throws KuraException {
        KeyStore.PrivateKeyEntry e = entry().orElseThrow(() -> notEnrolled());
        List<Certificate> issuers = Arrays.asList(e.getCertificateChain()).subList(1, e.getCertificateChain().length);
        try {
            return CertStore.getInstance("Collection", new CollectionCertStoreParameters(issuers));
        } catch (GeneralSecurityException ex) {
            throw new KuraException(KuraErrorCode.INTERNAL_ERROR, ex, "cannot build the CertStore");
        }
    }

    @Override
    public Certificate getClientCertificate() throws KuraException {
        return entry().orElseThrow(() -> notEnrolled()).getCertificate();
    }

    /**
     * ACME serves the CA chain only together with a certificate, so a rollover is a renewal with the same key: the
     * chain the CA serves now replaces the stored one.
     */
    @Override
    public void forceCACertificateRollover() throws KuraException {
        renew();
    }

    /** True when the keystore holds, under the alias, the ACME service's current certificate and it is not expired. */
    @Override
    public boolean isEnrolled() throws KuraException {
        Optional<KeyStore.PrivateKeyEntry> e = entry();
        Optional<CertificateRecord> current = gateway.getCertificate();
        if (e.isEmpty()
                || current.isEmpty()
                || !e.get().getCertificate().equals(current.get().getCertificate())) {
            return false;
        }
        return current.get().getNotAfter().isAfter(Instant.now());
    }

    /** Copies a certificate the ACME service renewed by itself into the keystore, if it is for the stored key. */
    @Override
    public void handleEvent(Event event) {
        if (!gateway.getDeviceId().equals(event.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID))) {
            return;
        }
        try {
            synchronized (this) {
                Optional<KeyStore.PrivateKeyEntry> e = entry();
                Optional<CertificateRecord> current = gateway.getCertificate();
                if (e.isPresent()
                        && current.isPresent()
                        && current.get()
                                .getCertificate()
                                .getPublicKey()
                                .equals(e.get().getCertificate().getPublicKey())
                        && !current.get().getCertificate().equals(e.get().getCertificate())) {
                    store(e.get().getPrivateKey(), current.get());
                }
            }
        } catch (KuraException ex) {
            LOG.warn(
                    "Cannot copy the renewed gateway certificate into keystore alias {}: {}",
                    config.keystore_alias(),
                    ex.getMessage());
        }
    }

    /** The entry under the alias, for the ACME service's {@code getTlsIdentity()}; it checks the key is current. */
    @Override
    public Optional<KeyStore.PrivateKeyEntry> getGatewayEntry() {
        try {
            return entry();
        } catch (KuraException e) {
            LOG.warn("Cannot read keystore alias {}: {}", config.keystore_alias(), e.getMessage());
            return Optional.empty();
        }
    }

    private void orderAndStore(KeyPair key) throws KuraException {
        refuseForeignEntry();
        String csr;
        try {
            csr = GatewayKeys.csr(gateway.getDeviceId(), key.getPublic(), key.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e, e.getMessage());
        }
        CertificateRecord record;
        try {
            record = gateway.enroll(csr);
        } catch (EnrollmentException e) {
            throw KuraErrors.of(e);
        }
        store(key.getPrivate(), record);
    }

    private void store(PrivateKey key, CertificateRecord record) throws KuraException {
        X509Certificate[] chain = record.getChain().toArray(new X509Certificate[0]);
        keystore.setEntry(config.keystore_alias(), new KeyStore.PrivateKeyEntry(key, chain));
        LOG.info(
                "Gateway certificate serial {} stored under keystore alias {}",
                record.getSerial(),
                config.keystore_alias());
    }

    /**
     * Kura keeps trusted certificates (CA roots the SSL manager and cloud connections rely on) in the same keystore.
     * Storing our key entry under an alias that holds one would silently drop that trust anchor, so nothing is
     * ordered and the operator is told to pick another alias.
     */
    private void refuseForeignEntry() throws KuraException {
        KeyStore.Entry e = keystore.getEntry(config.keystore_alias());
        if (e != null && !(e instanceof KeyStore.PrivateKeyEntry)) {
            String kind = e instanceof KeyStore.TrustedCertificateEntry ? "trusted certificate" : "secret key";
            throw new KuraException(
                    KuraErrorCode.BAD_REQUEST,
                    "keystore alias " + config.keystore_alias()
                            + " holds a " + kind
                            + ", not the gateway's key: Keywarden does not replace it; configure another "
                            + "keystore.alias");
        }
    }

    private KeyPair newKey() throws KuraException {
        try {
            return GatewayKeys.generate(config.key_type());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_ATTRIBUTE_INVALID, e, "key.type", config.key_type());
        }
    }

    private Optional<KeyStore.PrivateKeyEntry> entry() throws KuraException {
        KeyStore.Entry e = keystore.getEntry(config.keystore_alias());
        return e instanceof KeyStore.PrivateKeyEntry p ? Optional.of(p) : Optional.empty();
    }

    private KuraException notEnrolled() {
        return new KuraException(
                KuraErrorCode.NOT_FOUND,
                "no gateway certificate under keystore alias " + config.keystore_alias() + ": call enroll() first");
    }
}
