package io.keywarden.api.ca;

/**
 * The escrow deposit a gateway leaves with the fleet authority: a file {@code <gateway id>}{@value #FILE_SUFFIX} in
 * the deposit directory holding a JWE (compact serialization) encrypted to the authority's public key
 * ({@value #EC_ALGORITHM} for EC keys, {@value #RSA_ALGORITHM} for RSA keys, content {@value #CONTENT_ENCRYPTION}).
 * Its plaintext is a JSON object with the fields below; the account key is a PEM PKCS#8 private key block followed
 * by its PUBLIC KEY block. {@value #FIELD_PROOF} (since 1.1) is a JWS compact serialization signed with the account
 * key whose payload repeats gateway, directory, account and creation time: the authority accepts a deposit only when
 * that signature verifies with the deposited key, the fields match, and the CA confirms that the key controls the
 * account.
 */
public final class EscrowDeposit {
    public static final String FILE_SUFFIX = ".escrow.jwe";
    public static final String EC_ALGORITHM = "ECDH-ES+A256KW";
    public static final String RSA_ALGORITHM = "RSA-OAEP-256";
    public static final String CONTENT_ENCRYPTION = "A256GCM";

    public static final String FIELD_GATEWAY_ID = "gateway";
    public static final String FIELD_DIRECTORY_URL = "directory";
    public static final String FIELD_ACCOUNT_URL = "account";
    public static final String FIELD_ACCOUNT_KEY = "accountKey";
    public static final String FIELD_CREATED_AT = "createdAt";
    /** @since 1.1 */
    public static final String FIELD_PROOF = "proof";

    private EscrowDeposit() {}
}
