package io.keywarden.testing.sensors;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.x500.X500Name;

/**
 * A sensor that gets and renews its certificate itself over EST ({@link EstSensorClient}): it makes its key, keeps
 * it in its own memory, and bootstraps with its IDevID or an operator's one-time code. Nobody but the sensor ever
 * holds the key; the gateway learns only the CSR.
 */
public final class EstSensor {
    /** How a sensor got its first certificate. */
    public enum Bootstrap {
        IDEVID,
        CODE
    }

    /** One EST exchange: what was done, the certificate before and after, and how long it took. */
    public record Step(String operation, String serialBefore, String serialAfter, boolean newKey, long millis) {}

    private final String deviceId;
    private final String dnsName;
    private final EstSensorClient client;
    private KeyPair key;
    private List<X509Certificate> chain = List.of();
    private Bootstrap bootstrap;
    private String credential = "";

    public EstSensor(String deviceId, String dnsName, EstSensorClient client) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.dnsName = Objects.requireNonNull(dnsName, "dnsName");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** First enrollment with the manufacturer's certificate in TLS (a new key of the sensor's own). */
    public synchronized Step bootstrapWithIdevid(ManufacturerPki.Idevid idevid) throws Exception {
        KeyPair k = SensorKeys.newKey();
        long t0 = System.nanoTime();
        X509Certificate c = client.enrollWithIdevid(idevid, k, dnsName);
        Step s = take(k, c, "simpleenroll", false, t0);
        bootstrap = Bootstrap.IDEVID;
        // BC's names: the JDK's RFC 2253 form shows serialNumber as a hex OID
        credential = X500Name.getInstance(
                        idevid.certificate().getSubjectX500Principal().getEncoded())
                .toString();
        return s;
    }

    /** First enrollment with the one-time code the operator gave this device (HTTP Basic). */
    public synchronized Step bootstrapWithCode(String code) throws Exception {
        KeyPair k = SensorKeys.newKey();
        long t0 = System.nanoTime();
        X509Certificate c = client.enrollWithCode(deviceId, code, k, dnsName);
        Step s = take(k, c, "simpleenroll", false, t0);
        bootstrap = Bootstrap.CODE;
        credential = "one-time code";
        return s;
    }

    /** simplereenroll, authenticated by the current certificate; with {@code rekey} for a new key. */
    public synchronized Step renew(boolean rekey) throws Exception {
        if (chain.isEmpty()) {
            throw new IllegalStateException(deviceId + " has no certificate to renew");
        }
        KeyPair next = rekey ? SensorKeys.newKey() : key;
        long t0 = System.nanoTime();
        X509Certificate c = client.renew(key, chain.get(0), next, dnsName);
        return take(next, c, "simplereenroll", rekey, t0);
    }

    /** The certificate is used from now on, with the issuers from {@code cacerts}, and the key it was made for. */
    private Step take(KeyPair k, X509Certificate leaf, String operation, boolean newKey, long t0) throws Exception {
        if (!Arrays.equals(leaf.getPublicKey().getEncoded(), k.getPublic().getEncoded())) {
            throw new IllegalStateException(deviceId + ": the certificate is not for the key in the CSR");
        }
        List<X509Certificate> next = new ArrayList<>();
        next.add(leaf);
        next.addAll(client.caCertificates());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String before = chain.isEmpty() ? null : serial(chain.get(0));
        key = k;
        chain = List.copyOf(next);
        return new Step(operation, before, serial(leaf), newKey, millis);
    }

    private static String serial(X509Certificate c) {
        return c.getSerialNumber().toString(16);
    }

    public String deviceId() {
        return deviceId;
    }

    public String dnsName() {
        return dnsName;
    }

    public synchronized KeyPair key() {
        return key;
    }

    /** The current certificate first, then its issuers (no root). */
    public synchronized List<X509Certificate> chain() {
        return chain;
    }

    public synchronized Bootstrap bootstrap() {
        return bootstrap;
    }

    /** What the sensor showed the first time: its IDevID's subject, or that it used a code (never the code). */
    public synchronized String credential() {
        return credential;
    }
}
