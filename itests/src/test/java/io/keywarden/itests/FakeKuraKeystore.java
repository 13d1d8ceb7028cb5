package io.keywarden.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStore.Entry;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.X509CRL;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.EventAdmin;

/**
 * Kura's keystore as its FilesystemKeystoreServiceImpl behaves (eclipse-kura/kura, org.eclipse.kura.core.keystore):
 * a PKCS#12 file (the JVM's default keystore type) that every call loads and every set or delete stores at once; a
 * {@link KeystoreChangedEvent} posted with the keystore's pid after each set and delete; trusted-certificate entries
 * stored without a password; {@link IllegalArgumentException} on a null or empty alias; failures wrapped as
 * {@code BAD_REQUEST}; key managers over the file; PKCS#12's lowercase aliases. Key pair and CSR creation and CRLs
 * are not used by the adapter: refused (key pairs, CSRs) or empty (CRLs, as Kura without CRL management).
 */
final class FakeKuraKeystore implements KeystoreService {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final BundleContext context;
    private final String pid;
    private final Path file;
    final AtomicInteger changedEvents = new AtomicInteger();

    FakeKuraKeystore(BundleContext context, String pid) throws GeneralSecurityException, IOException {
        this.context = context;
        this.pid = pid;
        Path dir = Path.of(ItProperties.required(ItProperties.WORKDIR));
        Files.createDirectories(dir);
        this.file = Files.createTempFile(dir, "kura-keystore-", ".p12");
        KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
        empty.load(null, PASSWORD);
        store(empty);
    }

    /** The file as Kura keeps it: what survives a restart of the framework. */
    Path file() {
        return file;
    }

    private KeyStore load() throws KuraException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, PASSWORD);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to load the keystore " + file);
        }
    }

    private void store(KeyStore ks) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD);
        }
    }

    private void postChanged() {
        changedEvents.incrementAndGet();
        ServiceReference<EventAdmin> ref = context.getServiceReference(EventAdmin.class);
        EventAdmin admin = ref == null ? null : context.getService(ref);
        if (admin != null) {
            admin.postEvent(new KeystoreChangedEvent(pid));
            context.ungetService(ref);
        }
    }

    @Override
    public synchronized KeyStore getKeyStore() throws KuraException {
        return load();
    }

    @Override
    public synchronized Entry getEntry(String alias) throws KuraException {
        if (alias == null) {
            throw new IllegalArgumentException("Key Pair alias cannot be null!");
        }
        KeyStore ks = load();
        try {
            boolean secret = ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)
                    || ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class);
            return ks.getEntry(alias, secret ? new KeyStore.PasswordProtection(PASSWORD) : null);
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get the entry " + alias);
        }
    }

    @Override
    public synchronized void setEntry(String alias, Entry entry) throws KuraException {
        if (alias == null || alias.trim().isEmpty() || entry == null) {
            throw new IllegalArgumentException("Input cannot be null or empty!");
        }
        KeyStore ks = load();
        try {
            ks.setEntry(
                    alias,
                    entry,
                    entry instanceof KeyStore.TrustedCertificateEntry
                            ? null
                            : new KeyStore.PasswordProtection(PASSWORD));
            store(ks);
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to set the entry " + alias);
        }
        postChanged();
    }

    @Override
    public synchronized Map<String, Entry> getEntries() throws KuraException {
        Map<String, Entry> out = new HashMap<>();
        for (String a : getAliases()) {
            out.put(a, getEntry(a));
        }
        return out;
    }

    @Override
    public synchronized void deleteEntry(String alias) throws KuraException {
        if (alias == null) {
            throw new IllegalArgumentException("Alias cannot be null!");
        }
        if (getEntry(alias) == null) {
            return;
        }
        KeyStore ks = load();
        try {
            ks.deleteEntry(alias);
            store(ks);
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to delete entry " + alias);
        }
        postChanged();
    }

    @Override
    public synchronized List<String> getAliases() throws KuraException {
        try {
            return Collections.list(load().aliases());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get aliases");
        }
    }

    @Override
    public List<KeyManager> getKeyManagers(String algorithm) throws KuraException {
        return getKeyManagers(algorithm, new String(PASSWORD));
    }

    @Override
    public synchronized List<KeyManager> getKeyManagers(String algorithm, String password) throws KuraException {
        if (algorithm == null) {
            throw new IllegalArgumentException("Algorithm cannot be null!");
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(algorithm);
            kmf.init(load(), password.toCharArray());
            return Arrays.asList(kmf.getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get the key managers for " + algorithm);
        }
    }

    @Override
    public void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm, String attributes)
            throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public void createKeyPair(
            String alias,
            String algorithm,
            int keySize,
            String signatureAlgorithm,
            String attributes,
            SecureRandom secureRandom)
            throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public void createKeyPair(
            String alias,
            String algorithm,
            AlgorithmParameterSpec algorithmParameter,
            String signatureAlgorithm,
            String attributes,
            SecureRandom secureRandom)
            throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public void createKeyPair(
            String alias,
            String algorithm,
            AlgorithmParameterSpec algorithmParameter,
            String signatureAlgorithm,
            String attributes)
            throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public String getCSR(KeyPair keyPair, X500Principal principal, String signerAlg) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public String getCSR(String alias, X500Principal principal, String signerAlg) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public Collection<CRL> getCRLs() {
        return List.of();
    }

    @Override
    public CertStore getCRLStore() throws KuraException {
        try {
            return CertStore.getInstance("Collection", new CollectionCertStoreParameters());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_ERROR, e);
        }
    }

    @Override
    public void addCRL(X509CRL crl) {
        // no CRL management configured: Kura drops it too
    }
}
