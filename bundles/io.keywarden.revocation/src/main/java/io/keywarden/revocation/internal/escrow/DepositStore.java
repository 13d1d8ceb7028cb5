package io.keywarden.revocation.internal.escrow;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The vault's durable side, shared by every authority instance of one database: a deposit that proved itself on one
 * instance is trusted by all, a refused one is not judged again by any.
 */
public interface DepositStore {
    /** The accepted deposits' content by gateway. */
    Map<String, byte[]> accepted() throws IOException;

    /** The gateway whose accepted deposit names the account, if any. */
    Optional<String> gatewayOfAccount(String accountUrl) throws IOException;

    /** One gateway's accepted deposit. */
    Optional<byte[]> accepted(String gatewayId) throws IOException;

    /** The digest of the last deposit refused, by gateway. */
    Map<String, String> refused() throws IOException;

    /** Records the gateway's accepted deposit (replacing an earlier one) and forgets its refusal. */
    void accept(String gatewayId, String accountUrl, String digest, byte[] content) throws IOException;

    /** Records the digest of the gateway's refused deposit. */
    void refuse(String gatewayId, String digest) throws IOException;
}
