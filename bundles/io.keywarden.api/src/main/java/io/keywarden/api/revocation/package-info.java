/**
 * Delegated revocation: signed requests by authenticated, authorized parties to revoke a device's certificate
 * on its behalf, the tickets that follow them to the CA, the local deny list that enforces a decision the moment
 * it is taken,, the release of a device held by a revocation, and the EventAdmin topics the revocation component posts.
 */
@Version("1.3.0")
@Export
package io.keywarden.api.revocation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
