package io.keywarden.est.internal.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.est.internal.policy.DeviceClass;

/**
 * One-time enrollment codes on disk, one file per device: only a salted PBKDF2 hash of the code, its expiry, the key
 * it was first used with and whether a certificate was delivered for it. A code stays usable for retries of the same
 * request (same key) until the certificate is delivered, then never again.
 */
public final class EnrollmentCodeStore {
    /** What checking a code found; only {@link #ACCEPTED} lets the request on. */
    public enum Verdict {
        ACCEPTED,
        UNKNOWN,
        WRONG,
        EXPIRED,
        USED,
        OTHER_KEY
    }

    /**
     * PBKDF2 iterations. A code is 100 random bits (20 characters of 32): no guessing from a stolen hash is feasible
     * even at one iteration, so stretching buys little, while every check costs the gateway this many HMACs (a flood
     * of code attempts must not cost it much). Stored with each code, so it can change.
     */
    private static final int ITERATIONS = 1_000;

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int CODE_CHARS = 20;

    private final Path dir;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public EnrollmentCodeStore(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.clock = clock;
        Files.createDirectories(dir);
    }

    /** A new code for the device (replacing an unused one); returns the code, which is not kept. */
    public synchronized String create(String deviceId, Instant expiresAt) throws IOException {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < CODE_CHARS; i++) {
            if (i > 0 && i % 5 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        Properties p = new Properties();
        p.setProperty("salt", Base64.getEncoder().encodeToString(salt));
        p.setProperty("iterations", Integer.toString(ITERATIONS));
        p.setProperty("hash", Base64.getEncoder().encodeToString(hash(code.toString(), salt, ITERATIONS)));
        p.setProperty("expires", expiresAt.toString());
        write(deviceId, p);
        return code.toString();
    }

    public synchronized boolean revoke(String deviceId) throws IOException {
        return Files.deleteIfExists(file(deviceId));
    }

    /**
     * Checks a code for a request with the key {@code keyId}; the first accepted use binds the code to that key.
     */
    public Verdict check(String deviceId, String code, String keyId) throws IOException {
        Optional<Properties> stored;
        synchronized (this) {
            stored = read(deviceId);
        }
        if (stored.isEmpty()) {
            return Verdict.UNKNOWN;
        }
        // the slow hash outside the lock: one device's check must not queue every other device's
        byte[] salt = Base64.getDecoder().decode(stored.get().getProperty("salt"));
        byte[] expected = Base64.getDecoder().decode(stored.get().getProperty("hash"));
        int iterations = Integer.parseInt(stored.get().getProperty("iterations", Integer.toString(ITERATIONS)));
        if (!MessageDigest.isEqual(expected, hash(code, salt, iterations))) {
            return Verdict.WRONG;
        }
        return bind(deviceId, expected, keyId);
    }

    /** The rest of an accepted check, on the state as it is now (a concurrent create may have replaced the code). */
    private synchronized Verdict bind(String deviceId, byte[] matchedHash, String keyId) throws IOException {
        Optional<Properties> now = read(deviceId);
        if (now.isEmpty()
                || !MessageDigest.isEqual(
                        matchedHash, Base64.getDecoder().decode(now.get().getProperty("hash")))) {
            return Verdict.UNKNOWN;
        }
        Properties p = now.get();
        if (p.getProperty("used") != null) {
            return Verdict.USED;
        }
        if (!clock.instant().isBefore(Instant.parse(p.getProperty("expires")))) {
            return Verdict.EXPIRED;
        }
        String bound = p.getProperty("key");
        if (bound != null && !bound.equals(keyId)) {
            return Verdict.OTHER_KEY;
        }
        if (bound == null) {
            p.setProperty("key", keyId);
            write(deviceId, p);
        }
        return Verdict.ACCEPTED;
    }

    /** Every stored code's device, expiry and state (nothing of the hash). */
    public synchronized List<EnrollmentCodes.Listed> list() throws IOException {
        List<EnrollmentCodes.Listed> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.code")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String deviceId = name.substring(0, name.length() - ".code".length());
                if (!DeviceClass.DEVICE_ID.matcher(deviceId).matches()) {
                    continue; // not a file this store wrote
                }
                Optional<Properties> p = read(deviceId);
                if (p.isPresent()) {
                    all.add(listed(deviceId, p.get()));
                }
            }
        }
        all.sort(Comparator.comparing(EnrollmentCodes.Listed::getDeviceId));
        return all;
    }

    private EnrollmentCodes.Listed listed(String deviceId, Properties p) {
        Instant expires = Instant.parse(p.getProperty("expires"));
        EnrollmentCodes.State state = p.getProperty("used") != null
                ? EnrollmentCodes.State.SPENT
                : !clock.instant().isBefore(expires)
                        ? EnrollmentCodes.State.EXPIRED
                        : p.getProperty("key") != null ? EnrollmentCodes.State.IN_USE : EnrollmentCodes.State.UNUSED;
        return new EnrollmentCodes.Listed(deviceId, expires, state);
    }

    /** The certificate was delivered: the code is spent. */
    public synchronized void consume(String deviceId) throws IOException {
        Optional<Properties> p = read(deviceId);
        if (p.isPresent() && p.get().getProperty("used") == null) {
            p.get().setProperty("used", clock.instant().toString());
            write(deviceId, p.get());
        }
    }

    /**
     * PBKDF2 with HMAC-SHA256 (RFC 8018), Bouncy Castle's: on the gateway's C1-only JVM it takes half the JDK's time
     * for the same bytes (the JDK's SHA-256 intrinsic needs C2), and every code request pays it.
     */
    private static byte[] hash(String code, byte[] salt, int iterations) {
        PKCS5S2ParametersGenerator pbkdf2 = new PKCS5S2ParametersGenerator(new SHA256Digest());
        pbkdf2.init(code.getBytes(UTF_8), salt, iterations);
        return ((KeyParameter) pbkdf2.generateDerivedParameters(256)).getKey();
    }

    private Path file(String deviceId) {
        if (!DeviceClass.DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("malformed device id");
        }
        return dir.resolve(deviceId + ".code");
    }

    private Optional<Properties> read(String deviceId) throws IOException {
        Path f = file(deviceId);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, UTF_8)) {
            p.load(r);
        }
        return Optional.of(p);
    }

    private void write(String deviceId, Properties p) throws IOException {
        Path f = file(deviceId);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, UTF_8)) {
            p.store(w, "Keywarden EST enrollment code (salted PBKDF2 hash only)");
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
