/**
 * Device monitoring and containment: the incidents the monitor raises when a gateway or a sensor deviates from its
 * baseline, the quarantine it enforces on the sensor channel, what it observes on the gateway itself, and the
 * EventAdmin topics it posts.
 */
@Version("1.0.0")
@Export
package io.keywarden.api.monitor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
