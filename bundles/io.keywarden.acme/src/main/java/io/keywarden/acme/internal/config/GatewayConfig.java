package io.keywarden.acme.internal.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the gateway enrollment component. The component itself parses the raw map through
 * {@link GatewayOptions}, which names the offending property when a value is wrong.
 */
@ObjectClassDefinition(id = GatewayOptions.PID, name = "Keywarden ACME enrollment",
        description = "Enrolls this gateway and its sensors with an ACME (RFC 8555) CA and renews their certificates.")
public @interface GatewayConfig {

    @AttributeDefinition(name = "ACME directory URL", description = "https URL of the CA's ACME directory.")
    String acme_directory_url();

    @AttributeDefinition(name = "CA TLS trust anchor",
            description = "PEM certificate(s) trusted for the CA's HTTPS endpoint, or the path of a PEM file. "
                    + "Only these are trusted; TLS verification is never switched off.")
    String acme_trust_anchor();

    @AttributeDefinition(name = "Contact e-mail", required = false, description = "Account contact, optional.")
    String acme_contact_email() default "";

    @AttributeDefinition(name = "EAB key id", required = false,
            description = "External Account Binding key identifier, when the CA requires one.")
    String acme_eab_kid() default "";

    @AttributeDefinition(name = "EAB HMAC key", required = false, type = AttributeType.PASSWORD,
            description = "External Account Binding HMAC key, base64url.")
    String acme_eab_hmac_key() default "";

    @AttributeDefinition(name = "Gateway DNS name", description = "The identifier the gateway certificate is issued for.")
    String gateway_dns_name();

    @AttributeDefinition(name = "Key type", options = {
            @Option(value = "EC_P256", label = "ECDSA P-256"), @Option(value = "EC_P384", label = "ECDSA P-384"),
            @Option(value = "RSA_2048", label = "RSA 2048"), @Option(value = "RSA_3072", label = "RSA 3072") })
    String gateway_key_type() default "EC_P256";

    @AttributeDefinition(name = "http-01 port", min = "1", max = "65535",
            description = "Port of the embedded http-01 responder; the CA validates on port 80.")
    int http01_port() default 80;

    @AttributeDefinition(name = "http-01 bind address")
    String http01_bind_address() default "0.0.0.0";

    @AttributeDefinition(name = "Renewal threshold", min = "0.01", max = "0.99",
            description = "Renew when the remaining share of the lifetime falls below this.")
    double renewal_threshold() default 0.3333;

    @AttributeDefinition(name = "Renewal jitter", min = "0", max = "0.5",
            description = "Renewal is moved earlier by a random share of the lifetime up to this, so a fleet does not renew at once.")
    double renewal_jitter() default 0.05;

    @AttributeDefinition(name = "Concurrent enrollments", min = "1", max = "256")
    int enrollment_concurrency() default 8;

    @AttributeDefinition(name = "First retry delay (s)", min = "1")
    int retry_initial_seconds() default 2;

    @AttributeDefinition(name = "Longest retry delay (s)", min = "1")
    int retry_max_seconds() default 300;

    @AttributeDefinition(name = "Order timeout (s)", min = "5",
            description = "How long one order may take from creation to certificate before it counts as failed.")
    int order_timeout_seconds() default 120;

    @AttributeDefinition(name = "Data directory", required = false,
            description = "Where keys, account and certificates are kept; empty means the bundle's data area.")
    String data_dir() default "";

    @AttributeDefinition(name = "Escrow: fleet authority key", required = false,
            description = "PEM public key or certificate of the fleet authority (or the path of a PEM file). When set, "
                    + "the gateway's ACME account key is deposited encrypted to it, so the authority can revoke and "
                    + "deactivate after a compromise. Whoever holds the authority's private key can act as this account.")
    String escrow_authority_key() default "";

    @AttributeDefinition(name = "Escrow: deposit directory", required = false,
            description = "Where the encrypted deposit is written for the authority to collect.")
    String escrow_deposit_dir() default "";
}
