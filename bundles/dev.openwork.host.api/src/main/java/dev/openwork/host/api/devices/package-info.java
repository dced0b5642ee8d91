/**
 * Paired devices, their scopes (route scopes, and the runtimes and workspace roots they may use)
 * and credentials. Credentials are stored only as hashes; the clear
 * value exists once, when a device is registered, and is handed to it over the pairing channel.
 */
@Version("1.1.0")
package dev.openwork.host.api.devices;

import org.osgi.annotation.versioning.Version;
