/** Components configured from the Kura console (stand-in for Kura's package of the same name and export version). */
@Version("1.2.0")
@Export
package org.eclipse.kura.configuration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
