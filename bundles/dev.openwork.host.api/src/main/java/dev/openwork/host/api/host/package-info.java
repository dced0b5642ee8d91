/** Facts about the running host: its version, data directory and uptime. */
@Version("1.0.0")
package dev.openwork.host.api.host;

import org.osgi.annotation.versioning.Version;
