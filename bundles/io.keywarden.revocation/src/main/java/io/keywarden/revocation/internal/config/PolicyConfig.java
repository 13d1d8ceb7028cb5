package io.keywarden.revocation.internal.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of the revocation policy; {@link PolicyOptions} parses the raw map and names a wrong property. */
@ObjectClassDefinition(
        id = PolicyOptions.PID,
        name = "Keywarden revocation policy",
        description = "How signed revocation requests are checked and taken to the CA.")
public @interface PolicyConfig {

    @AttributeDefinition(
            name = "Routes",
            description = "Comma-separated, tried in this order: CUSTODIAN_ACCOUNT, "
                    + "ESCROWED_ACCOUNT_KEY, CERTIFICATE_KEY, AUTHORIZATION_HOLDER.")
    String routes() default PolicyOptions.DEFAULT_ROUTES;

    @AttributeDefinition(
            name = "Clock skew (s)",
            min = "1",
            max = "86400",
            description = "How far a request's issue time may be from now.")
    int clock_skew_seconds() default PolicyOptions.DEFAULT_SKEW;

    @AttributeDefinition(
            name = "Replay window (s)",
            min = "1",
            max = "604800",
            description = "How long a nonce is remembered; at least the clock skew.")
    int replay_window_seconds() default PolicyOptions.DEFAULT_WINDOW;

    @AttributeDefinition(name = "Requests per minute per requester", min = "1", max = "100000")
    int rate_per_minute() default PolicyOptions.DEFAULT_RATE;

    @AttributeDefinition(name = "First retry delay (ms)", min = "10")
    int retry_initial_millis() default PolicyOptions.DEFAULT_RETRY_INITIAL_MS;

    @AttributeDefinition(name = "Longest retry delay (s)", min = "1")
    int retry_max_seconds() default PolicyOptions.DEFAULT_RETRY_MAX;

    @AttributeDefinition(name = "Workers", min = "1", max = "64", description = "Tickets taken to the CA at once.")
    int worker_threads() default PolicyOptions.DEFAULT_WORKERS;

    @AttributeDefinition(
            name = "Data directory",
            required = false,
            description = "Journal, deny list, nonces, audit log; empty means the bundle's data area.")
    String data_dir() default "";

    @AttributeDefinition(
            name = "Escrow: authority private key file",
            required = false,
            description = "Fleet authority only: PEM PKCS#8 private key that opens escrow deposits; mode 600.")
    String escrow_private_key() default "";

    @AttributeDefinition(
            name = "Escrow: deposit directory",
            required = false,
            description = "Where gateways leave their encrypted account key deposits.")
    String escrow_deposit_dir() default "";

    @AttributeDefinition(
            name = "Escrow: re-verification period (s)",
            min = "1",
            max = "604800",
            description = "How often every accepted deposit's key is proven again at the CA; a key that no longer "
                    + "controls its account (rolled over) raises an ESCROW_LOCKED_OUT incident.")
    int escrow_reverify_seconds() default PolicyOptions.DEFAULT_ESCROW_REVERIFY;

    @AttributeDefinition(
            name = "Escrow: least seconds between proofs of one gateway",
            min = "1",
            max = "86400",
            description = "A gateway's changed deposits are proven at the CA at most once per this many seconds.")
    int escrow_proof_interval_seconds() default PolicyOptions.DEFAULT_ESCROW_PROOF_INTERVAL;

    @AttributeDefinition(
            name = "Shell: operator id",
            required = false,
            description = "Requester the revoke command signs as when none is given.")
    String shell_operator_id() default "";

    @AttributeDefinition(
            name = "Shell: operator key file",
            required = false,
            description = "PEM PKCS#8 private key the revoke command signs with when none is given.")
    String shell_operator_key() default "";

    @AttributeDefinition(
            name = "Inbox directory",
            required = false,
            description = "Signed requests dropped here as <name>.jws files are submitted and answered with "
                    + "<name>.result; empty: no inbox.")
    String inbox_dir() default "";

    @AttributeDefinition(
            name = "Database URL",
            required = false,
            description = "JDBC URL of the revocation state (tickets, nonces, deny list, releases): jdbc:h2:file:... "
                    + "or jdbc:postgresql://host:port/db; empty means H2 in the data directory.")
    String store_url() default "";

    @AttributeDefinition(name = "Database user", required = false)
    String store_user() default "";

    @AttributeDefinition(name = "Database password", required = false, type = AttributeType.PASSWORD)
    String store_password() default "";

    @AttributeDefinition(
            name = "Ticket lease (s)",
            min = "5",
            max = "86400",
            description = "How long an instance's claim on a ticket holds without progress before another instance "
                    + "of the same database may take the ticket over.")
    int store_lease_seconds() default StoreOptions.DEFAULT_LEASE;
}
