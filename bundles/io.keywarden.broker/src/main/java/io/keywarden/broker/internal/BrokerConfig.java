package io.keywarden.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = BrokerOptions.PID,
        name = "Keywarden broker containment (Mosquitto)",
        description = "Disables a revoked device's identity at the MQTT broker (Mosquitto 2 dynamic security) and ends "
                + "its sessions; only an operator's signed command enables it again.")
public @interface BrokerConfig {

    @AttributeDefinition(
            name = "Admin listener URL",
            description = "ssl://host:port of a Mosquitto listener that takes "
                    + "user names and passwords (not the device listener with use_identity_as_username)")
    String broker_admin_url();

    @AttributeDefinition(
            name = "Dynamic-security admin",
            description = "The user name given to mosquitto_ctrl dynsec init")
    String broker_admin_username();

    @AttributeDefinition(name = "Dynamic-security admin password", type = AttributeType.PASSWORD)
    String broker_admin_password();

    @AttributeDefinition(
            name = "Broker trust anchor",
            description = "PEM file of the CA that signs the broker's TLS "
                    + "certificate; empty: the JVM's default trust store")
    String broker_trust_anchor() default "";

    @AttributeDefinition(
            name = "Answer timeout (ms)",
            description = "How long to wait for the broker's answer to one command")
    int broker_answer_timeout_ms() default 5000;

    @AttributeDefinition(
            name = "Operator public key",
            description = "PEM text or file (public key or certificate) that "
                    + "verifies operators' signed enable commands; empty: nothing can be enabled again")
    String operator_public_key() default "";

    @AttributeDefinition(name = "Operator id", description = "The kid of operators' signed enable commands")
    String operator_id() default "operator";

    @AttributeDefinition(
            name = "Data directory",
            description = "Journal, contained identities and audit log; empty: " + "the bundle's data area")
    String data_dir() default "";
}
