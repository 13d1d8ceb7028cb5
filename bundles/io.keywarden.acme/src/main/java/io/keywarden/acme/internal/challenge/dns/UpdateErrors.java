package io.keywarden.acme.internal.challenge.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;

import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.api.enrollment.EnrollmentException;

/**
 * Turns a refused RFC 2136 update into an error an operator can act on. A refusal of our key or of what it may write
 * is a configuration error naming the property to fix, and retrying it would only be refused again; a server failure
 * is worth retrying.
 */
final class UpdateErrors {

    private UpdateErrors() {}

    /** Nothing when the update was applied; else the error to fail the enrollment with. */
    static EnrollmentException of(Message response, String keyName, String zone, String owner) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR) {
            return null;
        }
        TSIGRecord tsig = response.getTSIG();
        int tsigError = tsig == null ? Rcode.NOERROR : tsig.getError();
        String what = "dns-01 update of " + owner + " in zone " + zone;
        if (tsigError == Rcode.BADKEY) {
            return config(
                    Dns01Options.KEY_TSIG_KEY_NAME,
                    what + ": the server does not know TSIG key " + keyName + " (BADKEY)");
        }
        if (tsigError == Rcode.BADSIG) {
            return config(
                    Dns01Options.KEY_TSIG_SECRET,
                    what + ": the server rejected the signature of TSIG key " + keyName
                            + " (BADSIG): wrong secret or algorithm (" + Dns01Options.KEY_TSIG_ALGORITHM + ")");
        }
        if (tsigError == Rcode.BADTIME) {
            return new EnrollmentException(what + ": the server says our clock is off (TSIG BADTIME)", null, true);
        }
        if (rcode == Rcode.NOTAUTH) {
            // NOTAUTH without a TSIG error: the key was not accepted, or the server is not primary for the zone
            return config(
                    Dns01Options.KEY_TSIG_SECRET,
                    what + ": not authorized (NOTAUTH): the server accepts no "
                            + "update signed with key " + keyName + " for this zone; check "
                            + Dns01Options.KEY_TSIG_KEY_NAME
                            + ", " + Dns01Options.KEY_TSIG_SECRET + " and that " + Dns01Options.KEY_SERVER
                            + " is the zone's primary");
        }
        if (rcode == Rcode.REFUSED) {
            return config(
                    Dns01Options.KEY_TSIG_KEY_NAME,
                    what + ": refused (REFUSED): the server's update-policy " + "does not let key " + keyName
                            + " write a TXT record at " + owner);
        }
        if (rcode == Rcode.NOTZONE) {
            return config(Dns01Options.KEY_ZONE, what + ": " + owner + " is not in that zone (NOTZONE)");
        }
        return new EnrollmentException(what + ": the server answered " + Rcode.string(rcode), null, true);
    }

    private static EnrollmentException config(String property, String message) {
        return new EnrollmentException(property + ": " + message, null, false);
    }
}
