/** Kura payloads (stand-in for Kura's package of the same name and export version). */
@Version("1.5.0")
@Export
package org.eclipse.kura.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
