package io.keywarden.testing.sensors;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.CACertsResponse;
import org.bouncycastle.est.ESTAuth;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JcaHttpAuthBuilder;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A simulated sensor's EST client: Bouncy Castle's (org.bouncycastle.est), trusting the CA's root and checking that
 * the server is the gateway by name. Bootstraps with an IDevID or a one-time code, renews with the current
 * certificate, and follows 202 / Retry-After until the certificate arrives.
 */
public final class EstSensorClient {
    private final String hostPort;
    private final X509Certificate caRoot;
    private final String gatewayName;

    /** @param hostPort the gateway's EST listener, {@code host:port} */
    public EstSensorClient(String hostPort, X509Certificate caRoot, String gatewayName) {
        this.hostPort = hostPort;
        this.caRoot = caRoot;
        this.gatewayName = gatewayName;
    }

    /**
     * The CA certificates ({@code cacerts}) over server-authenticated TLS: the issuers a sensor sends with its own
     * certificate, without any self-signed root (the peer has that).
     */
    public List<X509Certificate> caCertificates() throws Exception {
        CACertsResponse r = service(null).getCACerts();
        if (!r.hasCertificates()) {
            throw new IllegalStateException("cacerts answered without certificates");
        }
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder h : r.getCertificateStore().getMatches(null)) {
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(h);
            if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                out.add(c);
            }
        }
        return out;
    }

    /** First enrollment with a manufacturer certificate in TLS. */
    public X509Certificate enrollWithIdevid(ManufacturerPki.Idevid idevid, KeyPair key, String dnsName)
            throws Exception {
        return enroll(
                service(idevid.key(), idevid.certificate()),
                false,
                csr(key, new X500Name("CN=" + dnsName), dnsName),
                null);
    }

    /** First enrollment with a one-time code (HTTP Basic: user = device id). */
    public X509Certificate enrollWithCode(String deviceId, String code, KeyPair key, String dnsName) throws Exception {
        return enroll(
                service(null),
                false,
                csr(key, new X500Name("CN=" + dnsName), dnsName),
                new JcaHttpAuthBuilder(deviceId, code.toCharArray()).build());
    }

    /**
     * The first request of an enrollment with a one-time code, without following a 202: what a sensor holds between
     * its retries (the gateway may even restart in between).
     */
    public Pending beginWithCode(String deviceId, String code, KeyPair key, String dnsName) throws Exception {
        ESTService est = service(null);
        return new Pending(
                est,
                est.simpleEnroll(
                        false,
                        csr(key, new X500Name("CN=" + dnsName), dnsName),
                        new JcaHttpAuthBuilder(deviceId, code.toCharArray()).build()));
    }

    /** An enrollment request sent once; the gateway's answer was a certificate or 202 + Retry-After. */
    public static final class Pending {
        private final ESTService est;
        private final EnrollmentResponse first;

        private Pending(ESTService est, EnrollmentResponse first) {
            this.est = est;
            this.first = first;
        }

        /** Whether the first answer carried the certificate (false: 202, retry). */
        public boolean isCompleted() {
            return first.isCompleted();
        }

        /** Repeats the request after each Retry-After until the certificate arrives. */
        public X509Certificate follow() throws Exception {
            return complete(est, first);
        }
    }

    /** Renewal (or rekey, with another {@code newKey}) authenticated by the current certificate. */
    public X509Certificate renew(KeyPair currentKey, X509Certificate current, KeyPair newKey, String dnsName)
            throws Exception {
        X500Name subject =
                X500Name.getInstance(current.getSubjectX500Principal().getEncoded());
        return enroll(service(currentKey, current), true, csr(newKey, subject, dnsName), null);
    }

    private static X509Certificate enroll(
            ESTService est, boolean reenroll, PKCS10CertificationRequest csr, ESTAuth auth) throws Exception {
        return complete(est, est.simpleEnroll(reenroll, csr, auth));
    }

    private static X509Certificate complete(ESTService est, EnrollmentResponse first) throws Exception {
        EnrollmentResponse r = first;
        for (int i = 0; i < 600 && !r.isCompleted(); i++) {
            r = est.simpleEnroll(r);
        }
        if (!r.isCompleted()) {
            throw new IllegalStateException("no certificate after 600 retries");
        }
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder h : r.getStore().getMatches(null)) {
            out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
        return out.get(0);
    }

    private ESTService service(KeyPair key, X509Certificate... chain) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", caRoot);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        JsseESTServiceBuilder b = new JsseESTServiceBuilder(hostPort, (X509TrustManager) tmf.getTrustManagers()[0])
                .withTimeout(60_000)
                .withHostNameAuthorizer((host, session) -> {
                    try {
                        return ((X509Certificate) session.getPeerCertificates()[0])
                                .getSubjectAlternativeNames().stream().anyMatch(n -> gatewayName.equals(n.get(1)));
                    } catch (Exception e) {
                        return false;
                    }
                });
        if (key != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("sensor", key.getPrivate(), new char[0], chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, new char[0]);
            b.withKeyManagers(kmf.getKeyManagers());
        }
        return b.build();
    }

    private static PKCS10CertificationRequest csr(KeyPair kp, X500Name subject, String dnsName) throws Exception {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        return new JcaPKCS10CertificationRequestBuilder(subject, kp.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
    }
}
