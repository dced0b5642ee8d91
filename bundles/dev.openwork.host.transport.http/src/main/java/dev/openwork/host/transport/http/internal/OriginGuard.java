package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Browser defences on every request, before routing: the Host header must name this host (no DNS
 * rebinding), an Origin header must be this host's own origin (never {@code null}), and no
 * credential may travel in a URL.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class OriginGuard implements ContainerRequestFilter {

    private static final Set<String> CREDENTIAL_PARAMETERS = Set.of("token", "access_token", "credential", "key",
            "api_key", "apikey", "password", "session", "auth");

    private final Supplier<Set<String>> allowedHostNames;
    private final ClientFailures failures;

    @Context
    private HttpServletRequest servletRequest;

    OriginGuard(Supplier<Set<String>> allowedHostNames, ClientFailures failures) {
        this.allowedHostNames = allowedHostNames;
        this.failures = failures;
    }

    private HostException refused(String reason, HostException failure) {
        failures.refused(reason, failure.getMessage());
        return failure;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        ConnectionFacts connection = ConnectionFacts.of(servletRequest);
        request.setProperty(ConnectionFacts.class.getName(), connection);
        String host = request.getHeaderString("Host");
        if (host == null || !isAllowedAuthority(host, connection)) {
            throw refused(HostEventProperties.REASON_FOREIGN_HOST, new HostException(ErrorCode.INVALID_REQUEST,
                    "The Host header does not name this host.",
                    "Connect with the host's address or name, e.g. 127.0.0.1 or the address owctl shows."));
        }
        String origin = request.getHeaderString("Origin");
        if (origin != null && !isAllowedOrigin(origin, connection)) {
            throw refused(HostEventProperties.REASON_FOREIGN_ORIGIN, new HostException(ErrorCode.FORBIDDEN,
                    "Requests from other web origins are not allowed.",
                    "Use the host's own web page, or a client that sends no Origin header."));
        }
        for (String name : request.getUriInfo().getQueryParameters().keySet()) {
            if (CREDENTIAL_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw refused(HostEventProperties.REASON_CREDENTIAL_IN_URL, new HostException(ErrorCode.INVALID_REQUEST,
                        "Credentials are never accepted in a URL.",
                        "Send the credential in the Authorization header: Authorization: Bearer <credential>."));
            }
        }
    }

    private boolean isAllowedAuthority(String authority, ConnectionFacts connection) {
        String hostPart;
        String portPart;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) {
                return false;
            }
            hostPart = authority.substring(1, end);
            portPart = authority.length() > end + 1 && authority.charAt(end + 1) == ':' ? authority.substring(end + 2) : null;
        } else {
            int colon = authority.lastIndexOf(':');
            hostPart = colon < 0 ? authority : authority.substring(0, colon);
            portPart = colon < 0 ? null : authority.substring(colon + 1);
        }
        int defaultPort = connection.tls() ? 443 : 80;
        int port;
        try {
            port = portPart == null ? defaultPort : Integer.parseInt(portPart);
        } catch (NumberFormatException e) {
            return false;
        }
        return port == connection.localPort() && allowedHostNames.get().contains(hostPart.toLowerCase(Locale.ROOT));
    }

    private boolean isAllowedOrigin(String origin, ConnectionFacts connection) {
        String scheme = connection.tls() ? "https://" : "http://";
        if (!origin.startsWith(scheme)) {
            return false; // includes the literal "null" of sandboxed and file pages
        }
        String authority = origin.substring(scheme.length());
        return !authority.contains("/") && isAllowedAuthority(authority, connection);
    }
}
