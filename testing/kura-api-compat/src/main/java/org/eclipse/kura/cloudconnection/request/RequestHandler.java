package org.eclipse.kura.cloudconnection.request;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.osgi.annotation.versioning.ConsumerType;

/** Serves remote management requests for one application id; methods it does not serve refuse. */
@ConsumerType
public interface RequestHandler {

    default KuraMessage doGet(RequestHandlerContext context, KuraMessage reqMessage) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
    }

    default KuraMessage doPut(RequestHandlerContext context, KuraMessage reqMessage) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
    }

    default KuraMessage doPost(RequestHandlerContext context, KuraMessage reqMessage) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
    }

    default KuraMessage doDel(RequestHandlerContext context, KuraMessage reqMessage) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
    }

    default KuraMessage doExec(RequestHandlerContext context, KuraMessage reqMessage) throws KuraException {
        throw new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED);
    }
}
