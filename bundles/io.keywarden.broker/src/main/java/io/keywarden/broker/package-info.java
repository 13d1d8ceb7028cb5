/**
 * The SPI through which a broker takes part in containment: {@link io.keywarden.broker.BrokerContainment}. Keywarden
 * journals and audits every decision and calls the SPI until the broker has answered; an implementation only talks to
 * its broker.
 */
@Version("1.1.0")
@Export
package io.keywarden.broker;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
