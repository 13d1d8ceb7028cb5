package io.keywarden.broker.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import io.keywarden.relyingparty.NoticeCodec;

/** PID {@value #PID}, parsed once. The admin password is kept as a char array and never printed by {@link #toString()}. */
public final class BrokerOptions {
    public static final String PID = "io.keywarden.broker.mosquitto";
    static final String KEY_URL = "broker.admin.url";
    static final String KEY_USERNAME = "broker.admin.username";
    static final String KEY_PASSWORD = "broker.admin.password";
    static final String KEY_TRUST = "broker.trust.anchor";
    static final String KEY_TIMEOUT = "broker.answer.timeout.ms";
    static final String KEY_OPERATOR_KEY = "operator.public.key";
    static final String KEY_OPERATOR_ID = "operator.id";
    static final String KEY_DATA_DIR = "data.dir";

    private final String url;
    private final String username;
    private final char[] password;
    private final Optional<Path> trustAnchor;
    private final Duration answerTimeout;
    private final Optional<PublicKey> operatorKey;
    private final String operatorId;
    private final Path dataDir;

    private BrokerOptions(Map<String, ?> p, Path defaultDataDir) {
        url = required(p, KEY_URL);
        if (!url.startsWith("ssl://") && !url.startsWith("tcp://")) {
            throw new IllegalArgumentException(KEY_URL + ": ssl://host:port expected, not " + url);
        }
        username = required(p, KEY_USERNAME);
        // Kura and ConfigAdmin hand a Password attribute over as a String (Kura decrypts it first)
        password = required(p, KEY_PASSWORD).toCharArray();
        trustAnchor = optional(p, KEY_TRUST).map(Path::of);
        answerTimeout =
                Duration.ofMillis(Long.parseLong(optional(p, KEY_TIMEOUT).orElse("5000")));
        operatorId = optional(p, KEY_OPERATOR_ID).orElse("operator");
        try {
            operatorKey = optional(p, KEY_OPERATOR_KEY).isPresent()
                    ? Optional.of(NoticeCodec.readAuthorityKey(
                            optional(p, KEY_OPERATOR_KEY).get()))
                    : Optional.empty();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY_OPERATOR_KEY + ": " + e.getMessage(), e);
        }
        dataDir = optional(p, KEY_DATA_DIR).map(Path::of).orElse(defaultDataDir);
        if (dataDir == null) {
            throw new IllegalArgumentException(KEY_DATA_DIR + " is required outside OSGi");
        }
    }

    /** @throws IllegalArgumentException naming the property that is wrong */
    public static BrokerOptions parse(Map<String, ?> properties, Path defaultDataDir) {
        return new BrokerOptions(properties, defaultDataDir);
    }

    private static String required(Map<String, ?> p, String key) {
        return optional(p, key).orElseThrow(() -> new IllegalArgumentException(key + " is required"));
    }

    private static Optional<String> optional(Map<String, ?> p, String key) {
        Object v = p.get(key);
        String s = v == null ? "" : v.toString().trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    public String url() {
        return url;
    }

    public String username() {
        return username;
    }

    /** A copy; callers clear it when done. */
    public char[] password() {
        return password.clone();
    }

    public Duration answerTimeout() {
        return answerTimeout;
    }

    public Optional<PublicKey> operatorKey() {
        return operatorKey;
    }

    public String operatorId() {
        return operatorId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** TLS towards the broker trusting exactly the configured anchor (or the JVM's defaults). */
    public SSLSocketFactory socketFactory() throws IOException, GeneralSecurityException {
        if (trustAnchor.isEmpty()) {
            return SSLContext.getDefault().getSocketFactory();
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        try (var in = Files.newInputStream(trustAnchor.get())) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("anchor-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    @Override
    public String toString() {
        return "broker " + url + " as " + username + " (password set), data " + dataDir
                + (operatorKey.isPresent() ? ", operator " + operatorId : ", no operator key: nothing can be enabled");
    }
}
