/**
 * A pluggable carrier for fleet messages. The fleet component speaks MQTT itself by default; where a platform already
 * holds a connection to the fleet's broker (Eclipse Kura's cloud connections), an adapter registers a
 * {@link io.keywarden.api.fleet.transport.FleetTransport} service and the fleet component, configured with
 * {@code fleet.transport=kura-cloud}, sends and receives through it instead, without importing any platform package.
 * Topics are the fleet's own ({@code keywarden/<fleet>/<kind>/<id>}); payloads are the signed messages, byte for byte.
 */
@Version("1.0.0")
@Export
package io.keywarden.api.fleet.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
