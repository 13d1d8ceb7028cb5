/**
 * Simulated sensors for tests, the demo and the benchmark: their own keys and CSRs, a mutual-TLS client for the
 * gateway's sensor channel, status reports, and the profiles a real fleet shows (well-behaved, unknown firmware,
 * forbidden peer, request flood, silence).
 */
@Version("1.0.0")
@Export
package io.keywarden.testing.sensors;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
