/** Subscribing through a cloud connection (stand-in for Kura's package of the same name and export version). */
@Version("1.0.0")
@Export
package org.eclipse.kura.cloudconnection.subscriber;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
