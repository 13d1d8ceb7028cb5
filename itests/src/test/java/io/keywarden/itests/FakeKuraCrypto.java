package io.keywarden.itests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;

/**
 * Kura's CryptoService as its CryptoServiceImpl encrypts configuration secrets (eclipse-kura/kura,
 * org.eclipse.kura.core.crypto): AES/GCM/NoPadding with a 128-bit tag and a random 12-byte IV, the key being the UTF-8
 * bytes of a 16-character secret, the text UTF-8, and the result "Base64(IV)-Base64(ciphertext and tag)". The secret
 * here is this test's own, not Kura's default. Keystore passwords are not used by the adapter: refused.
 */
final class FakeKuraCrypto implements CryptoService {
    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;

    private final SecretKeySpec key = new SecretKeySpec("kw-it-secret-16b".getBytes(StandardCharsets.UTF_8), "AES");
    private final SecureRandom random = new SecureRandom();

    @Override
    public char[] encryptAes(char[] value) throws KuraException {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            ByteBuffer utf8 = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] plain = Arrays.copyOf(utf8.array(), utf8.limit());
            byte[] sealed = c.doFinal(plain);
            Arrays.fill(plain, (byte) 0);
            Base64.Encoder b64 = Base64.getEncoder();
            return (b64.encodeToString(iv) + "-" + b64.encodeToString(sealed)).toCharArray();
        } catch (GeneralSecurityException | CharacterCodingException e) {
            throw new KuraException(KuraErrorCode.ENCODE_ERROR, "value");
        }
    }

    @Override
    public char[] decryptAes(char[] encryptedValue) throws KuraException {
        if (encryptedValue.length == 0) {
            return new char[0];
        }
        String[] parts = new String(encryptedValue).split("-");
        if (parts.length != 2) {
            throw new KuraException(KuraErrorCode.DECODER_ERROR, "value");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BITS, Base64.getDecoder().decode(parts[0])));
            byte[] plain = c.doFinal(Base64.getDecoder().decode(parts[1]));
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain));
            Arrays.fill(plain, (byte) 0);
            return Arrays.copyOf(chars.array(), chars.limit());
        } catch (GeneralSecurityException | CharacterCodingException | IllegalArgumentException e) {
            throw new KuraException(KuraErrorCode.DECODER_ERROR, "value");
        }
    }

    @Override
    @Deprecated
    public String encryptAes(String value) {
        try {
            return new String(encryptAes(value.toCharArray()));
        } catch (KuraException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    @Deprecated
    public String decryptAes(String encryptedValue) throws IOException {
        try {
            return new String(decryptAes(encryptedValue.toCharArray()));
        } catch (KuraException e) {
            throw new IOException(e.getMessage());
        }
    }

    @Override
    public String hash(String s, String algorithm) throws NoSuchAlgorithmException {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String encodeBase64(String stringValue) {
        return stringValue == null
                ? null
                : Base64.getEncoder().encodeToString(stringValue.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String decodeBase64(String encodedValue) {
        return encodedValue == null
                ? null
                : new String(Base64.getDecoder().decode(encodedValue), StandardCharsets.UTF_8);
    }

    @Override
    public char[] getKeyStorePassword(String keyStorePath) {
        throw new UnsupportedOperationException("not used by the adapter");
    }

    @Override
    public void setKeyStorePassword(String keyStorePath, char[] password) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    @Deprecated
    public void setKeyStorePassword(String keyStorePath, String password) throws IOException {
        throw new IOException("not used by the adapter");
    }

    @Override
    public boolean isFrameworkSecure() {
        return false;
    }
}
