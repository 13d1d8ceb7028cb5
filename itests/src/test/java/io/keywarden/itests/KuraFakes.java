package io.keywarden.itests;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStore.Entry;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.X509CRL;
import java.security.spec.AlgorithmParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManager;
import javax.security.auth.x500.X500Principal;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.cloudconnection.request.RequestHandler;
import org.eclipse.kura.cloudconnection.request.RequestHandlerRegistry;
import org.eclipse.kura.security.keystore.KeystoreService;

/**
 * Hand-written stand-ins for the Kura services the adapter uses, registered as real OSGi services by the tests: an
 * in-memory PKCS#12 keystore, a cloud publisher that records what it is given, and a request handler registry.
 */
final class KuraFakes {

    private KuraFakes() {
    }

    /** Kura's keystore API over an in-memory PKCS#12 store; only the calls the adapter makes are implemented. */
    static final class Keystore implements KeystoreService {
        private static final char[] PASSWORD = "changeit".toCharArray();
        private final KeyStore store;

        Keystore() throws GeneralSecurityException, IOException {
            store = KeyStore.getInstance("PKCS12");
            store.load(null, PASSWORD);
        }

        @Override
        public synchronized KeyStore getKeyStore() {
            return store;
        }

        @Override
        public synchronized Entry getEntry(String alias) throws KuraException {
            try {
                return store.containsAlias(alias) ? store.getEntry(alias, new KeyStore.PasswordProtection(PASSWORD)) : null;
            } catch (GeneralSecurityException e) {
                throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e);
            }
        }

        @Override
        public synchronized void setEntry(String alias, Entry entry) throws KuraException {
            try {
                store.setEntry(alias, entry, new KeyStore.PasswordProtection(PASSWORD));
            } catch (GeneralSecurityException e) {
                throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e);
            }
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
            try {
                store.deleteEntry(alias);
            } catch (GeneralSecurityException e) {
                throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e);
            }
        }

        @Override
        public synchronized List<String> getAliases() throws KuraException {
            try {
                return Collections.list(store.aliases());
            } catch (GeneralSecurityException e) {
                throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e);
            }
        }

        @Override
        public List<KeyManager> getKeyManagers(String algorithm) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm,
                String attributes) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm,
                String attributes, SecureRandom secureRandom) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public void createKeyPair(String alias, String algorithm, AlgorithmParameterSpec algorithmParameter,
                String signatureAlgorithm, String attributes, SecureRandom secureRandom) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public void createKeyPair(String alias, String algorithm, AlgorithmParameterSpec algorithmParameter,
                String signatureAlgorithm, String attributes) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public String getCSR(KeyPair keyPair, X500Principal principal, String signerAlg) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public String getCSR(String alias, X500Principal principal, String signerAlg) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public Collection<CRL> getCRLs() {
            return List.of();
        }

        @Override
        public CertStore getCRLStore() throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }

        @Override
        public void addCRL(X509CRL crl) throws KuraException {
            throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
        }
    }

    /** Records every message; never connected to anything. */
    static final class Publisher implements CloudPublisher {
        final List<KuraMessage> published = new CopyOnWriteArrayList<>();

        @Override
        public String publish(KuraMessage message) {
            published.add(message);
            return String.valueOf(published.size());
        }

        @Override public void registerCloudConnectionListener(CloudConnectionListener l) { }
        @Override public void unregisterCloudConnectionListener(CloudConnectionListener l) { }
        @Override public void registerCloudDeliveryListener(CloudDeliveryListener l) { }
        @Override public void unregisterCloudDeliveryListener(CloudDeliveryListener l) { }
    }

    /** Keeps the handlers registered with it, as a cloud connection's registry would route to them. */
    static final class Registry implements RequestHandlerRegistry {
        final Map<String, RequestHandler> handlers = Collections.synchronizedMap(new HashMap<>());
        final List<String> unregistered = new CopyOnWriteArrayList<>();

        @Override
        public void registerRequestHandler(String id, RequestHandler handler) {
            handlers.put(id, handler);
        }

        @Override
        public void unregister(String id) {
            handlers.remove(id);
            unregistered.add(id);
        }
    }

    static List<String> args(String... segments) {
        return new ArrayList<>(List.of(segments));
    }
}
