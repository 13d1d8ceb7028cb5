/**
 * Simulated sensors for tests, the demo and the benchmark: their own keys and CSRs, a mutual-TLS client for the
 * gateway's sensor channel, status reports, and the profiles a real fleet shows (well-behaved, unknown firmware,
 * forbidden peer, request flood, silence), a simulated manufacturer PKI (IDevIDs) and an EST client (Bouncy
 * Castle's) with which they bootstrap and renew at their gateway.
 */
@Version("1.1.0")
@Export
package io.keywarden.testing.sensors;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
