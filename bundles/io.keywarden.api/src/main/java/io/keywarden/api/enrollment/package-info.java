/**
 * Enrollment of the gateway and of the sensors attached to it: the services the ACME bundle provides,
 * the certificate records it keeps for later renewal and revocation, and the EventAdmin topics it posts.
 */
@Version("1.2.0")
@Export
package io.keywarden.api.enrollment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
