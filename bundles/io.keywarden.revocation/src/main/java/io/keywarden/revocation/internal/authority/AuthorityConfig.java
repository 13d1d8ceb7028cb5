package io.keywarden.revocation.internal.authority;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of one revocation authority (factory configuration: one entry per authority). */
@ObjectClassDefinition(
        id = AuthorityOptions.FACTORY_PID,
        name = "Keywarden revocation authority",
        description = "A party allowed to sign revocation requests, with its public key, role and scope.")
public @interface AuthorityConfig {

    @AttributeDefinition(name = "Id", description = "The requester name its signed requests carry.")
    String authority_id();

    @AttributeDefinition(
            name = "Role",
            options = {
                @Option(value = "gateway-monitor", label = "Gateway monitor: the sensors of one gateway"),
                @Option(value = "fleet-authority", label = "Fleet authority: every device, compromised gateways"),
                @Option(value = "operator", label = "Operator: the devices its scope grants"),
                @Option(value = "device", label = "Device: itself only")
            })
    String authority_role();

    @AttributeDefinition(
            name = "Public key",
            description = "PEM public key or X.509 certificate (EC P-256/P-384/P-521 or RSA >= 2048), or the path of a"
                    + " PEM file.")
    String authority_key();

    @AttributeDefinition(
            name = "Scope",
            required = false,
            description = "gateway-monitor: the gateway id; device: its own device id bound to its gateway "
                    + "(sensor-1@gw1); operator: comma-separated gateway-bound device ids or patterns (* and ? on both "
                    + "sides of @, e.g. sensor-*@gw1); an entry without @ covers devices of this node's own gateway "
                    + "only; fleet-authority: empty.")
    String authority_scope() default "";
}
