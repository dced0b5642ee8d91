/**
 * Local administration: the admin credential kept in the data directory for tools on the host
 * (owctl), one-time login links that turn into browser sessions for the web page, and the access
 * rule ({@link dev.openwork.host.api.auth.RouteAccess}) a bundle puts on the routes it adds.
 */
@Version("1.1.0")
package dev.openwork.host.api.auth;

import org.osgi.annotation.versioning.Version;
