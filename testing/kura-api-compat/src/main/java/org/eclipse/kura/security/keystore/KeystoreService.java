package org.eclipse.kura.security.keystore;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStore.Entry;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.X509CRL;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.security.auth.x500.X500Principal;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A keystore managed by Kura, as of package version 1.2 (Kura 5.6), which adds
 * {@link #getKeyManagers(String, String)} to 1.1 (Kura 5.4/5.5). Keywarden calls only what 1.1 has.
 */
@ProviderType
public interface KeystoreService {

    KeyStore getKeyStore() throws KuraException;

    Entry getEntry(String alias) throws KuraException;

    void setEntry(String alias, Entry entry) throws KuraException;

    Map<String, Entry> getEntries() throws KuraException;

    void deleteEntry(String alias) throws KuraException;

    List<KeyManager> getKeyManagers(String algorithm) throws KuraException;

    /** Since 1.2 (Kura 5.6): key managers over the entries whose key is protected with the given password. */
    List<KeyManager> getKeyManagers(String algorithm, String password) throws KuraException;

    void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm, String attributes)
            throws KuraException;

    void createKeyPair(
            String alias,
            String algorithm,
            int keySize,
            String signatureAlgorithm,
            String attributes,
            SecureRandom secureRandom)
            throws KuraException;

    void createKeyPair(
            String alias,
            String algorithm,
            AlgorithmParameterSpec algorithmParameter,
            String signatureAlgorithm,
            String attributes,
            SecureRandom secureRandom)
            throws KuraException;

    void createKeyPair(
            String alias,
            String algorithm,
            AlgorithmParameterSpec algorithmParameter,
            String signatureAlgorithm,
            String attributes)
            throws KuraException;

    String getCSR(KeyPair keyPair, X500Principal principal, String signerAlg) throws KuraException;

    String getCSR(String alias, X500Principal principal, String signerAlg) throws KuraException;

    List<String> getAliases() throws KuraException;

    Collection<CRL> getCRLs() throws KuraException;

    CertStore getCRLStore() throws KuraException;

    void addCRL(X509CRL crl) throws KuraException;
}
