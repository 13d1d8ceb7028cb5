package io.keywarden.api.revocation;

import java.security.PrivateKey;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns a request into the signed form {@link RevocationService#submit(String)} takes: a JWS in compact
 * serialization whose payload is the request as JSON, signed with the requester's key (ES256 for P-256, ES384 for
 * P-384, RS256 for RSA keys).
 */
@ProviderType
public interface RevocationRequestSigner {

    String sign(RevocationRequest request, PrivateKey requesterKey);
}
