package io.keywarden.est.internal;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateException;
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
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.Store;

/**
 * Sensors' side of the tests: Bouncy Castle's own EST client (org.bouncycastle.est), trusting the CA's root and
 * checking that the server presents the gateway's name, optionally with a client certificate.
 */
final class EstClients {
    private EstClients() {}

    static ESTService client(
            String hostPort,
            X509Certificate caRoot,
            String gatewayName,
            KeyPair clientKey,
            X509Certificate... clientChain)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", caRoot);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        JsseESTServiceBuilder b = new JsseESTServiceBuilder(hostPort, (X509TrustManager) tmf.getTrustManagers()[0])
                .withTimeout(20_000)
                .withHostNameAuthorizer((host, session) -> {
                    try {
                        X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
                        return leaf.getSubjectAlternativeNames().stream().anyMatch(n -> gatewayName.equals(n.get(1)));
                    } catch (Exception e) {
                        return false;
                    }
                });
        if (clientKey != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", clientKey.getPrivate(), new char[0], clientChain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, new char[0]);
            b.withKeyManagers(kmf.getKeyManagers());
        }
        return b.build();
    }

    static PKCS10CertificationRequestBuilder csrBuilder(KeyPair kp, X500Name subject, String... dnsNames)
            throws Exception {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        List<GeneralName> names = new ArrayList<>();
        for (String n : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, n));
        }
        ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        return new JcaPKCS10CertificationRequestBuilder(subject, kp.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    }

    static PKCS10CertificationRequest csr(KeyPair kp, X500Name subject, String... dnsNames) throws Exception {
        return csrBuilder(kp, subject, dnsNames).build(signer(kp));
    }

    static ContentSigner signer(KeyPair kp) throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
    }

    static List<X509Certificate> certificates(Store<X509CertificateHolder> store) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder h : store.getMatches(null)) {
            out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
        return out;
    }
}
