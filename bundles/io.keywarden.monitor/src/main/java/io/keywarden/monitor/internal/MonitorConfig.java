package io.keywarden.monitor.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the device monitor (PID {@value MonitorOptions#PID}). */
@ObjectClassDefinition(
        id = MonitorOptions.PID,
        name = "Keywarden device monitor",
        description = "Sensor channel (mutual TLS), baseline of the default device class, responses per rule, "
                + "learning mode and the monitor's revocation identity.")
@interface MonitorConfig {

    @AttributeDefinition(name = "Channel bind address", description = "Address the sensor channel listens on.")
    String channel_bind_address() default "0.0.0.0";

    @AttributeDefinition(
            name = "Channel port",
            description = "HTTPS port of the sensor channel; 0 picks a free one.",
            min = "0",
            max = "65535")
    int channel_port() default 8443;

    @AttributeDefinition(
            name = "Channel threads",
            description = "Requests handled at once (an idle kept-alive "
                    + "connection holds no thread); more wait in a bounded queue.",
            min = "1",
            max = "256")
    int channel_threads() default 16;

    @AttributeDefinition(
            name = "Connections per source",
            description = "Connections one address may hold open on " + "the channel; more are refused at accept.",
            min = "1",
            max = "1000000")
    int channel_max_connections_per_source() default 64;

    @AttributeDefinition(
            name = "Connections per device",
            description = "Connections one sensor (by its " + "certificate) may hold open; more are refused with 429.",
            min = "1",
            max = "1000")
    int channel_max_connections_per_device() default 4;

    @AttributeDefinition(
            name = "Handshake deadline",
            description = "Seconds from accept to the first request's " + "head, the TLS handshake included.",
            min = "1",
            max = "300")
    int channel_handshake_seconds() default 10;

    @AttributeDefinition(
            name = "Request deadline",
            description = "Seconds from a request's head to its whole " + "body (408 after it).",
            min = "1",
            max = "300")
    int channel_request_seconds() default 10;

    @AttributeDefinition(
            name = "Idle seconds",
            description = "A kept-alive connection silent this long is " + "closed.",
            min = "1",
            max = "86400")
    int channel_idle_seconds() default 60;

    @AttributeDefinition(
            name = "Report size limit",
            description = "Largest request body accepted, in bytes.",
            min = "256",
            max = "1048576")
    int report_max_bytes() default 16384;

    @AttributeDefinition(
            name = "Data directory",
            description = "Incidents, quarantine, the monitor's key; empty: " + "the bundle's data area.",
            required = false)
    String data_dir() default "";

    @AttributeDefinition(
            name = "Policy file",
            description = "JSON file with device classes and the class of each "
                    + "device (see the README); empty: only the default class below.",
            required = false)
    String policy_file() default "";

    @AttributeDefinition(
            name = "Learning mode",
            description = "Record what sensors run and whom they contact as a "
                    + "proposed baseline instead of raising incidents; approve it with keywarden:approve.")
    boolean learning_mode() default false;

    @AttributeDefinition(
            name = "Allowed firmware SHA-256",
            description = "Default class; empty: not checked.",
            required = false)
    String[] baseline_firmware_sha256() default {};

    @AttributeDefinition(
            name = "Allowed task SHA-256",
            description = "Default class; empty: not checked.",
            required = false)
    String[] baseline_task_sha256() default {};

    @AttributeDefinition(
            name = "Allowed peers",
            description = "Default class, host:port or host:*; empty: not " + "checked.",
            required = false)
    String[] baseline_peers() default {};

    @AttributeDefinition(
            name = "Request rate limit",
            description = "Requests per second per sensor (default " + "class); 0: not checked.",
            min = "0")
    int baseline_max_requests_per_second() default 20;

    @AttributeDefinition(name = "Heartbeat seconds", description = "Report interval of the default class.", min = "1")
    int baseline_heartbeat_seconds() default 30;

    @AttributeDefinition(
            name = "Missed heartbeats",
            description = "Intervals without a report before the silence " + "rule fires.",
            min = "1")
    int baseline_missed_heartbeats() default 3;

    @AttributeDefinition(
            name = "Response: unknown firmware",
            options = {@Option(value = "ALERT"), @Option(value = "QUARANTINE"), @Option(value = "REVOKE")})
    String rule_unknown_firmware_action() default "REVOKE";

    @AttributeDefinition(
            name = "Response: unknown task",
            options = {@Option(value = "ALERT"), @Option(value = "QUARANTINE"), @Option(value = "REVOKE")})
    String rule_unknown_task_action() default "QUARANTINE";

    @AttributeDefinition(
            name = "Response: forbidden peer",
            options = {@Option(value = "ALERT"), @Option(value = "QUARANTINE"), @Option(value = "REVOKE")})
    String rule_forbidden_peer_action() default "REVOKE";

    @AttributeDefinition(
            name = "Response: rate exceeded",
            options = {@Option(value = "ALERT"), @Option(value = "QUARANTINE"), @Option(value = "REVOKE")})
    String rule_rate_exceeded_action() default "QUARANTINE";

    @AttributeDefinition(
            name = "Response: silent",
            options = {@Option(value = "ALERT"), @Option(value = "QUARANTINE"), @Option(value = "REVOKE")})
    String rule_silent_action() default "ALERT";

    @AttributeDefinition(
            name = "Response: source changed",
            options = {@Option(value = "ALERT"), @Option(value = "QUARANTINE"), @Option(value = "REVOKE")})
    String rule_source_changed_action() default "ALERT";

    @AttributeDefinition(
            name = "Gateway scan seconds",
            description = "How often the gateway's own processes, "
                    + "sockets and bundles are held against the gateway baseline (alerts only); 0: never.",
            min = "0")
    int gateway_scan_seconds() default 60;

    @AttributeDefinition(
            name = "Gateway: allowed executables",
            description = "SHA-256 of executables the " + "gateway may run; empty: not checked.",
            required = false)
    String[] gateway_allowed_executables() default {};

    @AttributeDefinition(
            name = "Gateway: allowed listeners",
            description = "tcp:PORT, udp:PORT or PORT the " + "gateway may listen on; empty: not checked.",
            required = false)
    String[] gateway_allowed_listeners() default {};

    @AttributeDefinition(
            name = "Gateway: allowed bundles",
            description = "SHA-256 of bundle files the gateway " + "may have installed; empty: not checked.",
            required = false)
    String[] gateway_allowed_bundles() default {};

    @AttributeDefinition(
            name = "Authority id",
            description = "Id the monitor signs revocation requests as; the "
                    + "revocation component must know it as a gateway-monitor authority. Empty: monitor@<gateway id>.",
            required = false)
    String authority_id() default "";
}
