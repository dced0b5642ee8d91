/** Facts about the running host (its version, data directory and uptime) and host-wide helpers such as QR codes. */
@Version("1.1.0")
package dev.openwork.host.api.host;

import org.osgi.annotation.versioning.Version;
