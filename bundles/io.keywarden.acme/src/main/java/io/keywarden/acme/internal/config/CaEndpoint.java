package io.keywarden.acme.internal.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import io.keywarden.support.config.InvalidConfigurationException;

/** Where the CA is and which certificates its HTTPS endpoint must chain to, as configured. */
final class CaEndpoint {

    private CaEndpoint() {}

    static URI directoryUrl(String value) throws InvalidConfigurationException {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(
                    GatewayOptions.KEY_DIRECTORY_URL, "malformed URL '" + value + "': " + e.getReason());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new InvalidConfigurationException(
                    GatewayOptions.KEY_DIRECTORY_URL,
                    "must be an https URL with a host (ACME requires TLS), got '" + value + "'");
        }
        return uri;
    }

    static List<X509Certificate> trustAnchors(String value) throws InvalidConfigurationException {
        byte[] pem;
        if (value.startsWith("-----BEGIN")) {
            pem = value.getBytes(StandardCharsets.US_ASCII);
        } else {
            try {
                pem = Files.readAllBytes(Paths.get(value));
            } catch (IOException | RuntimeException e) {
                throw new InvalidConfigurationException(
                        GatewayOptions.KEY_TRUST_ANCHOR,
                        "neither PEM text nor a readable file: " + value + " (" + e + ")");
            }
        }
        try {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new InvalidConfigurationException(GatewayOptions.KEY_TRUST_ANCHOR, "contains no certificate");
            }
            return List.copyOf(certs);
        } catch (CertificateException e) {
            throw new InvalidConfigurationException(
                    GatewayOptions.KEY_TRUST_ANCHOR, "not a PEM certificate: " + e.getMessage());
        }
    }
}
