package io.keywarden.revocation.internal;

import java.security.PrivateKey;

import org.osgi.service.component.annotations.Component;

import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRequestSigner;
import io.keywarden.revocation.internal.request.RequestCodec;

/** Signs revocation requests for requesters in this framework (the gateway monitor, the shell, the Kura adapter). */
@Component(service = RevocationRequestSigner.class)
public final class RequestSignerComponent implements RevocationRequestSigner {

    @Override
    public String sign(RevocationRequest request, PrivateKey requesterKey) {
        return RequestCodec.sign(request, requesterKey);
    }
}
