/**
 * Fleet-wide revocation notices: the fleet authority publishes a signed notice over MQTT the moment it accepts a
 * revocation, and every gateway that trusts the authority's key denies the certificates it names at once, before
 * any CA revocation list could tell it. The gateway-side deny list is a {@link io.keywarden.api.revocation.DenyList}
 * service registered with {@link FleetEvents#DENY_SOURCE_PROPERTY} = {@link FleetEvents#DENY_SOURCE_NOTICES}.
 * Gateways also publish their certificates as a signed, hash-chained issuance log; an authority serves the fold of
 * each accepted log as a
 * {@link io.keywarden.api.enrollment.CertificateInventory} with {@link FleetEvents#INVENTORY_SOURCE_PROPERTY} =
 * {@link FleetEvents#INVENTORY_SOURCE_FLEET}.
 */
@Version("1.2.0")
@Export
package io.keywarden.api.fleet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
