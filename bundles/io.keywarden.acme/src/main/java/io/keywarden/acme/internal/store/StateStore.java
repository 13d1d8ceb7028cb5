package io.keywarden.acme.internal.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.pem.Pem;

/**
 * Keys, ACME accounts and certificates on disk. Every file is written to a temporary sibling, forced to disk
 * and moved into place, so a process killed mid-way leaves either the old or the new file. Key files and
 * the directories holding them are readable by the owner only.
 *
 * <pre>
 * accounts/&lt;sha256(directory url)&gt;/account-key.pem, account.properties
 * devices/&lt;device id&gt;/device.properties, key.pem (gateway-held key) or request.csr (device-held key)
 * devices/&lt;device id&gt;/pending-order.properties (URL of the order under way, until its certificate is recorded)
 * devices/&lt;device id&gt;/certs/&lt;serial&gt;.pem (chain), &lt;serial&gt;.properties
 * </pre>
 */
public final class StateStore {
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path root;

    /** Device entries read or written in this process, and the sorted ids of all (null until first listed). */
    private final Map<String, DeviceEntry> devices = new ConcurrentHashMap<>();

    private final Object deviceCache = new Object();
    private long deviceGeneration;
    private SortedSet<String> deviceIds;
    /** Certificate records read or written in this process, per device (immutable lists) and by lowercase serial. */
    private final CertificateCache certificates = new CertificateCache(this::readCertificates, this::deviceIds);

    public StateStore(Path root) throws IOException {
        this.root = requireNonNull(root, "root");
        DurableFiles.createPrivateDirectories(root);
    }

    public Path getRoot() {
        return root;
    }

    /** Throws IllegalArgumentException unless the id is safe to use as a file name. */
    public static String checkDeviceId(String deviceId) {
        if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches() || deviceId.contains("..")) {
            throw new IllegalArgumentException("device id must be 1-128 characters of letters, digits, '.', '_', '-'"
                    + " starting with a letter or digit: '" + deviceId + "'");
        }
        return deviceId;
    }

    // ---- ACME account ---------------------------------------------------------------------------------

    /** The account key for this CA, created (and written before anything uses it) on first call. */
    public synchronized KeyPair accountKey(URI directory, Supplier<KeyPair> generator)
            throws IOException, GeneralSecurityException {
        return keyPairFile(accountDir(directory).resolve("account-key.pem"), generator);
    }

    /**
     * The key of the second account this gateway keeps for the authorization-holder revocation route (an account
     * that did not order the certificate but proves control of its names), created on first call.
     */
    public synchronized KeyPair holderAccountKey(URI directory, Supplier<KeyPair> generator)
            throws IOException, GeneralSecurityException {
        return keyPairFile(accountDir(directory).resolve("holder-account-key.pem"), generator);
    }

    /** The key pair kept in {@code file}, generated and written (owner-only) before first use if absent. */
    private KeyPair keyPairFile(Path file, Supplier<KeyPair> generator) throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            return Pem.decodeKeyPair(Files.readString(file, StandardCharsets.US_ASCII));
        }
        KeyPair kp = generator.get();
        DurableFiles.write(file, Pem.encodeKeyPair(kp).getBytes(StandardCharsets.US_ASCII), true);
        return kp;
    }

    public synchronized Optional<String> accountUrl(URI directory) throws IOException {
        Path file = accountDir(directory).resolve("account.properties");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.ofNullable(readProperties(file).getProperty("account.url"));
    }

    public synchronized void saveAccountUrl(URI directory, String accountUrl) throws IOException {
        Properties p = new Properties();
        p.setProperty("directory.url", directory.toString());
        p.setProperty("account.url", accountUrl);
        p.setProperty("created.at", Instant.now().toString());
        writeProperties(accountDir(directory).resolve("account.properties"), p, false);
    }

    private Path accountDir(URI directory) throws IOException {
        Path dir = root.resolve("accounts").resolve(sha256(directory.toString()).substring(0, 16));
        DurableFiles.createPrivateDirectories(dir);
        return dir;
    }

    // ---- devices ----------------------------------------------------------------------------------------

    public void saveDevice(DeviceEntry entry) throws IOException {
        Path dir = deviceDir(entry.getDeviceId());
        if (entry.getCsrPem().isPresent()) {
            DurableFiles.write(
                    dir.resolve("request.csr"), entry.getCsrPem().get().getBytes(StandardCharsets.US_ASCII), false);
        }
        Properties p = new Properties();
        p.setProperty("device.id", entry.getDeviceId());
        p.setProperty("kind", entry.getKind().name());
        p.setProperty("identifiers", String.join(",", entry.getIdentifiers()));
        p.setProperty("key.custody", entry.getCustody().name());
        writeProperties(dir.resolve("device.properties"), p, false);
        synchronized (deviceCache) {
            deviceGeneration++;
            devices.put(entry.getDeviceId(), entry);
            if (deviceIds != null) {
                deviceIds.add(entry.getDeviceId());
            }
        }
    }

    /** The device's entry; read from disk once per process, then kept current by {@link #saveDevice}. */
    public Optional<DeviceEntry> loadDevice(String deviceId) throws IOException {
        checkDeviceId(deviceId);
        DeviceEntry cached = devices.get(deviceId);
        if (cached != null) {
            return Optional.of(cached);
        }
        long generation;
        synchronized (deviceCache) {
            generation = deviceGeneration;
        }
        Optional<DeviceEntry> read = readDevice(deviceId);
        synchronized (deviceCache) {
            if (generation == deviceGeneration) {
                read.ifPresent(e -> devices.put(deviceId, e));
            }
        }
        return read;
    }

    private Optional<DeviceEntry> readDevice(String deviceId) throws IOException {
        Path dir = root.resolve("devices").resolve(checkDeviceId(deviceId));
        Path file = dir.resolve("device.properties");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = readProperties(file);
        KeyCustody custody = KeyCustody.valueOf(p.getProperty("key.custody"));
        String csr = null;
        if (custody == KeyCustody.DEVICE) {
            csr = Files.readString(dir.resolve("request.csr"), StandardCharsets.US_ASCII);
        }
        return Optional.of(new DeviceEntry(
                p.getProperty("device.id"),
                DeviceKind.valueOf(p.getProperty("kind")),
                Arrays.asList(p.getProperty("identifiers").split(",")),
                custody,
                csr));
    }

    /** The ids of every device with an entry, sorted; the directory is listed once per process. */
    public List<String> deviceIds() throws IOException {
        synchronized (deviceCache) {
            if (deviceIds == null) {
                deviceIds = new TreeSet<>(listDeviceIds());
            }
            return List.copyOf(deviceIds);
        }
    }

    private List<String> listDeviceIds() throws IOException {
        Path devices = root.resolve("devices");
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(devices)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devices)) {
            for (Path d : ds) {
                if (Files.exists(d.resolve("device.properties"))) {
                    out.add(d.getFileName().toString());
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The key the gateway holds for this device, created and written on first call. */
    public KeyPair deviceKey(String deviceId, Supplier<KeyPair> generator)
            throws IOException, GeneralSecurityException {
        return keyPairFile(deviceDir(deviceId).resolve("key.pem"), generator);
    }

    /** Replaces the gateway-held key of a device (rekey); the old one is kept until the new certificate lands. */
    public void replaceDeviceKey(String deviceId, KeyPair kp) throws IOException {
        DurableFiles.write(
                deviceDir(deviceId).resolve("key.pem"),
                Pem.encodeKeyPair(kp).getBytes(StandardCharsets.US_ASCII),
                true);
    }

    public Optional<KeyPair> loadDeviceKey(String deviceId) throws IOException, GeneralSecurityException {
        Path file = root.resolve("devices").resolve(checkDeviceId(deviceId)).resolve("key.pem");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Pem.decodeKeyPair(Files.readString(file, StandardCharsets.US_ASCII)));
    }

    // ---- order journal ------------------------------------------------------------------------------------

    /** Remembers the order under way for a device, so a restart resumes it instead of ordering twice. */
    public void savePendingOrder(String deviceId, String orderUrl, Instant createdAt) throws IOException {
        Properties p = new Properties();
        p.setProperty("order.url", orderUrl);
        p.setProperty("created.at", createdAt.toString());
        writeProperties(deviceDir(deviceId).resolve("pending-order.properties"), p, false);
    }

    /** The journaled order: its URL and when it was created. */
    public Optional<Map.Entry<String, Instant>> pendingOrder(String deviceId) throws IOException {
        Path file = root.resolve("devices").resolve(checkDeviceId(deviceId)).resolve("pending-order.properties");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = readProperties(file);
        try {
            return Optional.of(Map.entry(p.getProperty("order.url"), Instant.parse(p.getProperty("created.at"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public void clearPendingOrder(String deviceId) throws IOException {
        Files.deleteIfExists(
                root.resolve("devices").resolve(checkDeviceId(deviceId)).resolve("pending-order.properties"));
    }

    // ---- certificates -------------------------------------------------------------------------------------

    public void saveCertificate(CertificateRecord r) throws IOException {
        Path dir = deviceDir(r.getDeviceId()).resolve("certs");
        DurableFiles.createPrivateDirectories(dir);
        DurableFiles.write(
                dir.resolve(r.getSerial() + ".pem"),
                Pem.encodeCertificates(r.getChain()).getBytes(StandardCharsets.US_ASCII),
                false);
        Properties p = new Properties();
        p.setProperty("device.id", r.getDeviceId());
        p.setProperty("kind", r.getKind().name());
        p.setProperty("identifiers", String.join(",", r.getIdentifiers()));
        p.setProperty("serial", r.getSerial());
        p.setProperty("not.before", r.getNotBefore().toString());
        p.setProperty("not.after", r.getNotAfter().toString());
        p.setProperty("account.url", r.getAccountUrl());
        r.getCertificateUrl().ifPresent(u -> p.setProperty("certificate.url", u));
        p.setProperty("key.custody", r.getKeyCustody().name());
        p.setProperty("status", r.getStatus().name());
        p.setProperty("issued.at", r.getIssuedAt().toString());
        // the properties file is written last: a record exists only once its chain is on disk
        writeProperties(dir.resolve(r.getSerial() + ".properties"), p, false);
        certificates.saved(r);
    }

    /**
     * The device's certificate records, oldest first. Served from memory once read (see {@link CertificateCache}); a
     * save keeps the copy current.
     */
    public List<CertificateRecord> loadCertificates(String deviceId) throws IOException {
        return certificates.of(checkDeviceId(deviceId));
    }

    /** The record with this serial (hexadecimal, any case), of any device in this store. */
    public Optional<CertificateRecord> certificateBySerial(String serial) throws IOException {
        return certificates.bySerial(serial);
    }

    private List<CertificateRecord> readCertificates(String deviceId) throws IOException {
        Path dir = root.resolve("devices").resolve(deviceId).resolve("certs");
        List<CertificateRecord> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path f : ds) {
                out.add(readCertificate(f));
            }
        }
        out.sort(Comparator.comparing(CertificateRecord::getIssuedAt));
        return out;
    }

    private CertificateRecord readCertificate(Path propertiesFile) throws IOException {
        Properties p = readProperties(propertiesFile);
        String serial = p.getProperty("serial");
        List<X509Certificate> chain;
        try {
            chain = Pem.decodeCertificates(
                    Files.readString(propertiesFile.resolveSibling(serial + ".pem"), StandardCharsets.US_ASCII));
        } catch (CertificateException e) {
            throw new IOException(
                    "unreadable chain for certificate " + serial + " in " + propertiesFile.getParent(), e);
        }
        return CertificateRecord.builder()
                .deviceId(p.getProperty("device.id"))
                .kind(DeviceKind.valueOf(p.getProperty("kind")))
                .identifiers(Arrays.asList(p.getProperty("identifiers").split(",")))
                .serial(serial)
                .notBefore(Instant.parse(p.getProperty("not.before")))
                .notAfter(Instant.parse(p.getProperty("not.after")))
                .chain(chain)
                .accountUrl(p.getProperty("account.url"))
                .certificateUrl(p.getProperty("certificate.url"))
                .keyCustody(KeyCustody.valueOf(p.getProperty("key.custody")))
                .status(CertificateStatus.valueOf(p.getProperty("status")))
                .issuedAt(Instant.parse(p.getProperty("issued.at")))
                .build();
    }

    // ---- files ----------------------------------------------------------------------------------------------

    private Path deviceDir(String deviceId) throws IOException {
        Path dir = root.resolve("devices").resolve(checkDeviceId(deviceId));
        DurableFiles.createPrivateDirectories(dir);
        return dir;
    }

    private static Properties readProperties(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        return p;
    }

    private static void writeProperties(Path file, Properties p, boolean secret) throws IOException {
        StringWriter w = new StringWriter();
        p.store(w, null);
        // drop the date comment Properties.store writes, so identical content gives identical files
        String text = w.toString().replaceFirst("^#.*\\R", "");
        DurableFiles.write(file, text.getBytes(StandardCharsets.ISO_8859_1), secret);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
