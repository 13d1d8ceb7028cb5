/**
 * The gateway's EST server (RFC 7030) for its sensors: one-time enrollment codes an operator hands to a sensor, and
 * the EventAdmin topics the server posts.
 */
@Version("1.1.0")
@Export
package io.keywarden.api.est;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
