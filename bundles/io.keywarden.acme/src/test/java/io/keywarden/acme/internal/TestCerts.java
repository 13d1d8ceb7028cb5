package io.keywarden.acme.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.Pem;

/** Canned keys, certificates and CSRs for unit tests. */
public final class TestCerts {
    private TestCerts() {
    }

    public static X509Certificate selfSigned(String cn, KeyPair kp) throws Exception {
        Instant now = Instant.now();
        X500Principal name = new X500Principal("CN=" + cn);
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    public static String selfSignedPem(String cn) throws Exception {
        return Pem.encodeCertificates(List.of(selfSigned(cn, KeyType.EC_P256.generate())));
    }

    public static String csrPem(KeyPair kp, String... dnsNames) throws Exception {
        var b = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + dnsNames[0]), kp.getPublic());
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        var csr = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        return Pem.encode("CERTIFICATE REQUEST", csr.getEncoded());
    }
}
