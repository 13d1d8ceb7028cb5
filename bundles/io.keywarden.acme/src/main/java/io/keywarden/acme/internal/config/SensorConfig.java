package io.keywarden.acme.internal.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One sensor attached to this gateway, enrolled through it (a factory configuration, one per sensor). */
@ObjectClassDefinition(
        id = SensorConfig.FACTORY_PID,
        name = "Keywarden attached sensor",
        description = "A sensor this gateway enrolls with its own ACME account and keeps renewed.")
public @interface SensorConfig {
    String FACTORY_PID = "io.keywarden.acme.sensor";
    String KEY_DEVICE_ID = "device.id";
    String KEY_DNS_NAMES = "dns.names";
    String KEY_CSR_FILE = "csr.file";
    String KEY_CHALLENGE_TYPE = "challenge.type";

    @AttributeDefinition(name = "Device id", description = "Letters, digits, '.', '_', '-'.")
    String device_id();

    @AttributeDefinition(name = "DNS names", description = "Comma-separated identifiers for the sensor's certificate.")
    String dns_names();

    @AttributeDefinition(
            name = "CSR file",
            required = false,
            description =
                    "PEM CSR made by the sensor (its key stays on it); empty: the gateway generates and keeps the key.")
    String csr_file() default "";

    @AttributeDefinition(
            name = "Challenge type",
            required = false,
            options = {
                @Option(value = "", label = "The gateway's choice (challenge.type and its overrides)"),
                @Option(value = "http-01", label = "http-01"),
                @Option(value = "dns-01", label = "dns-01")
            },
            description = "How the CA validates this sensor's names; empty: as the gateway configuration says.")
    String challenge_type() default "";
}
