package io.keywarden.kura.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Console configuration of Kura's EnrollmentService backed by Keywarden's ACME enrollment. */
@ObjectClassDefinition(
        id = KuraEnrollmentComponent.PID,
        name = "Keywarden EnrollmentService (ACME)",
        description = "Kura's certificate EnrollmentService over Keywarden's ACME enrollment: the gateway key lives in "
                + "the selected Kura keystore, the certificate chain is stored beside it under the alias.")
@interface KuraEnrollmentConfig {

    @AttributeDefinition(
            name = "Keystore alias",
            description = "Alias of the gateway's key and certificate chain in the keystore.")
    String keystore_alias() default "keywarden-gateway";

    @AttributeDefinition(
            name = "KeystoreService target filter",
            description = "Which Kura keystore holds the key, e.g. (kura.service.pid=SSLKeystore) for the one the SSL "
                    + "manager and cloud connections use.")
    String KeystoreService_target() default "(kura.service.pid=SSLKeystore)";

    @AttributeDefinition(
            name = "Key type",
            description = "Type of the keys enroll (when the alias has none) and rekey create.",
            options = {
                @Option(value = "EC_P256", label = "ECDSA P-256"),
                @Option(value = "EC_P384", label = "ECDSA P-384"),
                @Option(value = "RSA_2048", label = "RSA 2048"),
                @Option(value = "RSA_3072", label = "RSA 3072")
            })
    String key_type() default "EC_P256";
}
