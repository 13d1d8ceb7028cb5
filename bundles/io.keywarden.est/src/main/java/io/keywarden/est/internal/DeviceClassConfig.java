package io.keywarden.est.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One class of sensors the EST server enrolls (factory PID {@value DeviceClassOptions#FACTORY_PID}). */
@ObjectClassDefinition(
        id = DeviceClassOptions.FACTORY_PID,
        name = "Keywarden EST device class",
        description = "Which sensors the operator expects, how they bootstrap, which names they may hold.")
@interface DeviceClassConfig {

    @AttributeDefinition(name = "Name")
    String name();

    @AttributeDefinition(name = "Roster", description = "Device ids expected.", required = false)
    String[] devices_roster() default {};

    @AttributeDefinition(name = "Pattern", description = "Regular expression of device ids expected.", required = false)
    String devices_pattern() default "";

    @AttributeDefinition(
            name = "Manufacturer trust anchors",
            description = "PEM certificates (or the path of a "
                    + "PEM file) the IDevIDs of this class chain to; empty: no IDevID bootstrap.",
            required = false)
    String idevid_anchors() default "";

    @AttributeDefinition(
            name = "Device id in the IDevID",
            options = {@Option(value = "SERIAL_NUMBER"), @Option(value = "COMMON_NAME")})
    String idevid_id_attribute() default "SERIAL_NUMBER";

    @AttributeDefinition(
            name = "Enrollment codes",
            description = "Devices of this class may bootstrap with a " + "one-time code.")
    boolean codes_enabled() default true;

    @AttributeDefinition(name = "DNS names", description = "Names a device may hold; {id} is its device id.")
    String[] dns_names();
}
