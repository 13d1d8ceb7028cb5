package io.keywarden.acme.internal.engine;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.sensors.SensorKeys;

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

    /** What a sensor holding its own key sends; built by the sensor simulator, the one place that builds CSRs. */
    public static String csrPem(KeyPair kp, String... dnsNames) {
        return SensorKeys.csrPem(kp, List.of(dnsNames));
    }
}
