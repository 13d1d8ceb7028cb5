package org.eclipse.kura.crypto;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/** AES encryption of configuration secrets, Base64, hashes and keystore passwords, as Kura's platform provides them. */
@ProviderType
public interface CryptoService {

    char[] encryptAes(char[] value) throws KuraException;

    char[] decryptAes(char[] encryptedValue) throws KuraException;

    /** @deprecated use {@link #encryptAes(char[])} */
    @Deprecated
    String encryptAes(String value)
            throws NoSuchAlgorithmException, NoSuchPaddingException, InvalidKeyException, IllegalBlockSizeException,
                    BadPaddingException;

    /** @deprecated use {@link #decryptAes(char[])} */
    @Deprecated
    String decryptAes(String encryptedValue)
            throws NoSuchAlgorithmException, NoSuchPaddingException, InvalidKeyException, IOException,
                    IllegalBlockSizeException, BadPaddingException;

    default String sha1Hash(String s) throws NoSuchAlgorithmException, UnsupportedEncodingException {
        return hash(s, "SHA-1");
    }

    default String sha256Hash(String s) throws NoSuchAlgorithmException, UnsupportedEncodingException {
        return hash(s, "SHA-256");
    }

    String hash(String s, String algorithm) throws NoSuchAlgorithmException, UnsupportedEncodingException;

    String encodeBase64(String stringValue) throws NoSuchAlgorithmException, UnsupportedEncodingException;

    String decodeBase64(String encodedValue) throws NoSuchAlgorithmException, UnsupportedEncodingException;

    char[] getKeyStorePassword(String keyStorePath);

    void setKeyStorePassword(String keyStorePath, char[] password) throws KuraException;

    /** @deprecated use {@link #setKeyStorePassword(String, char[])} */
    @Deprecated
    void setKeyStorePassword(String keyStorePath, String password) throws IOException;

    boolean isFrameworkSecure();
}
