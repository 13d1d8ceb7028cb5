package io.keywarden.broker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One broker's way of shutting a device identity out and letting it in again. The identity is what the broker takes
 * as the client's user name from its certificate (for Mosquitto with {@code use_identity_as_username}: the subject
 * CN; Keywarden-issued certificates carry the first DNS name there).
 *
 * <p>Implementations must be idempotent (a decision may be pushed again after a restart) and must not return before
 * the broker has answered. Keywarden calls them from one thread.
 */
@ConsumerType
public interface BrokerContainment {

    /** A short name for logs and the audit trail, e.g. {@code mosquitto}. */
    String name();

    /**
     * Refuses the identity from now on and ends its live sessions.
     *
     * @return the broker's answer; {@link BrokerAnswer#accepted()} false when the broker refused (audited, not retried)
     * @throws IOException the broker could not be asked or did not answer in time (the decision stays journaled and is
     *                     pushed again)
     */
    BrokerAnswer disable(String identity) throws IOException;

    /**
     * Refuses several identities at once, as {@link #disable} each: a compromised gateway's sensors are a thousand
     * identities, and a broker that can take them in one request should. The default asks one at a time.
     *
     * @return one answer per identity, in order
     * @throws IOException the broker could not be asked or did not answer in time (every decision stays journaled)
     * @since 1.1
     */
    default List<BrokerAnswer> disableAll(List<String> identities) throws IOException {
        List<BrokerAnswer> answers = new ArrayList<>(identities.size());
        for (String identity : identities) {
            answers.add(disable(identity));
        }
        return answers;
    }

    /** Lets the identity in again (only ever on an operator's signed command). Same contract as {@link #disable}. */
    BrokerAnswer enable(String identity) throws IOException;
}
