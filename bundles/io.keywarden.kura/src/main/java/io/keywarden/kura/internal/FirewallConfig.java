package io.keywarden.kura.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Console configuration of the firewall entry for the sensor channel (off by default). */
@ObjectClassDefinition(
        id = FirewallComponent.PID,
        name = "Keywarden firewall entry",
        description = "Opens the monitor's sensor channel port (tcp) on one interface in Kura's firewall "
                + "(Firewall > Open Ports), and removes exactly that entry again when switched off.")
@interface FirewallConfig {

    @AttributeDefinition(
            name = "Open the sensor channel port",
            description = "Add the entry to Kura's firewall.open.ports; off removes the entry this component added.")
    boolean firewall_open_enabled() default false;

    @AttributeDefinition(name = "Interface", description = "The interface the sensors reach the gateway on, e.g. eth0.")
    String firewall_interface() default "eth0";

    @AttributeDefinition(
            name = "Port",
            description =
                    "0: the channel port of the monitor's configuration " + "(io.keywarden.monitor, channel.port).",
            min = "0",
            max = "65535")
    int firewall_port() default 0;
}
