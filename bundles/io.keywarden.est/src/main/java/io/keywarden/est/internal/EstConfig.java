package io.keywarden.est.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the EST server (PID {@value EstOptions#PID}). */
@ObjectClassDefinition(
        id = EstOptions.PID,
        name = "Keywarden EST server",
        description = "EST (RFC 7030) for the gateway's sensors, ACME behind it. Which sensors may bootstrap, and "
                + "how, is configured per device class (factory PID " + DeviceClassOptions.FACTORY_PID + ").")
@interface EstConfig {

    @AttributeDefinition(name = "Bind address")
    String bind_address() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "HTTPS port; 0 picks a free one.", min = "0", max = "65535")
    int port() default 8444;

    @AttributeDefinition(
            name = "CA labels",
            description = "Accepted values of the optional CA-label path segment "
                    + "(/.well-known/est/<label>/...); every label reaches the same CA.",
            required = false)
    String[] ca_labels() default {};

    @AttributeDefinition(
            name = "Threads",
            description = "Jetty's pool, acceptor and selector included.",
            min = "4",
            max = "256")
    int threads() default 16;

    @AttributeDefinition(
            name = "Queue",
            description = "Jobs waiting for a thread before new ones are refused.",
            min = "1")
    int queue() default 256;

    @AttributeDefinition(name = "Connections per address", min = "1")
    int connections_per_source() default 8;

    @AttributeDefinition(
            name = "Connections per device",
            description = "Open connections one authenticated device (manufacturer certificate, enrollment code or "
                    + "current certificate) may hold; more are refused with 429.",
            min = "1")
    int connections_per_device() default 4;

    @AttributeDefinition(
            name = "First request deadline (ms)",
            description = "From accept to the first request's " + "headers, TLS handshake included.",
            min = "100")
    int first_request_deadline_ms() default 5000;

    @AttributeDefinition(
            name = "Request deadline (ms)",
            description = "From a request's headers to its answer.",
            min = "100")
    int request_deadline_ms() default 15000;

    @AttributeDefinition(name = "Idle timeout (ms)", min = "100")
    int idle_timeout_ms() default 10000;

    @AttributeDefinition(name = "Header size limit", min = "1024")
    int max_header_bytes() default 8192;

    @AttributeDefinition(name = "Body size limit", min = "1024")
    int max_body_bytes() default 16384;

    @AttributeDefinition(
            name = "CA wait (ms)",
            description = "How long a request waits for the CA before it is " + "answered 202 with Retry-After.",
            min = "0")
    int ca_wait_ms() default 3000;

    @AttributeDefinition(name = "Retry-After (s)", min = "1")
    int retry_after_seconds() default 5;

    @AttributeDefinition(
            name = "Pending enrollments",
            description = "Orders waiting for their clients' retries.",
            min = "1")
    int max_pending() default 1000;

    @AttributeDefinition(name = "Enrollment code validity (h)", min = "1")
    int code_validity_hours() default 72;

    @AttributeDefinition(name = "Failed code attempts per address", description = "Within the window below.", min = "1")
    int code_max_failures() default 5;

    @AttributeDefinition(name = "Failed attempts window (s)", min = "1")
    int code_failure_window_seconds() default 900;

    @AttributeDefinition(name = "EC curves", description = "Allowed in CSRs.")
    String[] key_ec_curves() default {"P-256", "P-384"};

    @AttributeDefinition(name = "Smallest RSA key", description = "0 refuses RSA.", min = "0")
    int key_rsa_min_bits() default 2048;

    @AttributeDefinition(
            name = "Data directory",
            description = "Codes (hashes only) and the audit log; empty: the " + "bundle's data area.",
            required = false)
    String data_dir() default "";
}
