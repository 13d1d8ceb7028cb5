package org.eclipse.kura.cloudconnection.request;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/** Routes requests arriving on a cloud connection to the handler registered for their application id. */
@ProviderType
public interface RequestHandlerRegistry {

    void registerRequestHandler(String id, RequestHandler requestHandler) throws KuraException;

    void unregister(String id) throws KuraException;
}
