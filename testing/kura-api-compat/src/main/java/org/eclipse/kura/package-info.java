/** Kura's exception type and error codes (stand-in for Kura's package of the same name and export version). */
@Version("1.7.0")
@Export
package org.eclipse.kura;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
