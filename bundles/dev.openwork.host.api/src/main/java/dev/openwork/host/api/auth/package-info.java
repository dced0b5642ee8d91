/**
 * Local administration: the admin credential kept in the data directory for tools on the host
 * (owctl), and one-time login links that turn into browser sessions for the web page.
 */
@Version("1.0.0")
package dev.openwork.host.api.auth;

import org.osgi.annotation.versioning.Version;
