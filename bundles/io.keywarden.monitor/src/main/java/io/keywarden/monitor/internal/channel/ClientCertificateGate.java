package io.keywarden.monitor.internal.channel;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import io.keywarden.api.enrollment.CertificateRecord;

/**
 * The channel's trust manager: a client is admitted at the handshake only with a certificate that chains to the CA
 * this gateway orders from, is within its validity, may be used for client authentication, is one this gateway ordered (its record's certificate, byte for
 * byte), and is neither denied nor quarantined. It asks {@link Admission} at every handshake, so a decision taken a
 * moment ago already applies.
 */
final class ClientCertificateGate extends X509ExtendedTrustManager {
    private final Admission admission;

    ClientCertificateGate(Admission admission) {
        this.admission = admission;
    }

    /** The record of an admitted leaf certificate, or a CertificateException saying why it is refused. */
    CertificateRecord admit(X509Certificate[] chain, String source) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw refuse("no client certificate", null, source);
        }
        X509Certificate leaf = chain[0];
        String serial = leaf.getSerialNumber().toString(16);
        try {
            validatePath(chain);
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw refuse("certificate outside its validity period", serial, source);
        } catch (GeneralSecurityException e) {
            throw refuse("certificate not issued by this gateway's CA", serial, source);
        }
        if (!forClientAuth(leaf)) {
            throw refuse("certificate not for client authentication", serial, source);
        }
        Optional<CertificateRecord> record = admission.record(serial);
        if (record.isEmpty() || !Arrays.equals(encoded(record.get().getCertificate()), encoded(leaf))) {
            throw refuse("certificate not ordered by this gateway", serial, source);
        }
        Optional<String> refusal = admission.refusal(record.get());
        if (refusal.isPresent()) {
            throw refuse(refusal.get(), serial, source);
        }
        return record.get();
    }

    /** No extended key usage means any; otherwise it must name clientAuth (or anyExtendedKeyUsage). */
    private static boolean forClientAuth(X509Certificate leaf) throws CertificateException {
        List<String> eku = leaf.getExtendedKeyUsage();
        return eku == null || eku.contains("1.3.6.1.5.5.7.3.2") || eku.contains("2.5.29.37.0");
    }

    private void validatePath(X509Certificate[] chain) throws GeneralSecurityException {
        Set<X509Certificate> issuers = admission.issuers();
        if (issuers.isEmpty()) {
            throw new CertificateException("the gateway has no CA chain yet");
        }
        // check the leaf's validity first: PKIX reports an expired leaf as a generic path failure
        chain[0].checkValidity();
        Set<TrustAnchor> anchors = new HashSet<>();
        issuers.forEach(i -> anchors.add(new TrustAnchor(i, null)));
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (issuers.contains(c)) {
                break; // the path ends at the first anchor the client sent along
            }
            path.add(c);
        }
        PKIXParameters params = new PKIXParameters(anchors);
        // revocation is the deny list's job here: the CA may publish neither CRL nor OCSP (Pebble does not)
        params.setRevocationEnabled(false);
        try {
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (CertPathValidatorException e) {
            if (e.getCause() instanceof CertificateExpiredException x) {
                throw x;
            }
            throw e;
        }
    }

    /** The channel reports the refusal (with what the TLS layer adds) once the handshake has failed. */
    private static CertificateException refuse(String reason, String serial, String source) {
        return new Refusal(reason, serial);
    }

    /** Why a client certificate was refused, and its serial when there was one. */
    static final class Refusal extends CertificateException {
        private static final long serialVersionUID = 1L;
        private final String serial;

        Refusal(String reason, String serial) {
            super(reason);
            this.serial = serial;
        }

        String serial() {
            return serial;
        }
    }

    private static byte[] encoded(X509Certificate c) throws CertificateException {
        return c.getEncoded();
    }

    private static String source(Socket socket) {
        return socket == null || socket.getRemoteSocketAddress() == null
                ? "?"
                : socket.getRemoteSocketAddress().toString();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        admit(chain, source(socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        admit(chain, engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        admit(chain, "?");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the sensor channel only accepts clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the sensor channel only accepts clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the sensor channel only accepts clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return admission.issuers().toArray(new X509Certificate[0]);
    }
}
