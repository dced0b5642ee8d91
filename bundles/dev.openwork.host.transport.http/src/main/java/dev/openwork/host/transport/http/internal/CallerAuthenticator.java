package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.auth.AdminAccess;
import dev.openwork.host.api.auth.RouteAccess;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Authenticates every matched request and checks the route's scope ({@link Access} on this
 * bundle's routes, {@link RouteAccess} on routes other bundles add). Device credentials come in the
 * Authorization header only; the local admin's credential and browser session are honoured on the
 * loopback listener only. Every refusal is reported to {@link ClientFailures} with its reason.
 */
@Priority(Priorities.AUTHENTICATION)
final class CallerAuthenticator implements ContainerRequestFilter {

    static final String SESSION_COOKIE = "owh_session";
    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    private final Supplier<DeviceRegistry> devices;
    private final Supplier<AdminAccess> admin;
    private final ClientFailures failures;

    @Context
    private ResourceInfo resource;

    CallerAuthenticator(Supplier<DeviceRegistry> devices, Supplier<AdminAccess> admin, ClientFailures failures) {
        this.devices = devices;
        this.admin = admin;
        this.failures = failures;
    }

    /** What a route needs: a scope, maybe another one on loopback, and the listeners it is served on. */
    /** @param basic whether HTTP Basic is accepted besides Bearer (the OpenCode routes only) */
    record Rule(String scope, String loopbackScope, Access.Listener listener, boolean basic) {

        String scopeFor(ConnectionFacts connection) {
            return connection.localPlain() ? loopbackScope : scope;
        }
    }

    @Override
    public void filter(ContainerRequestContext request) {
        ConnectionFacts connection = (ConnectionFacts) request.getProperty(ConnectionFacts.class.getName());
        Rule rule = ruleOf(resource.getResourceMethod(), resource.getResourceClass());
        if (rule.listener() == Access.Listener.TLS && !connection.tls()) {
            throw refused(HostEventProperties.REASON_WRONG_LISTENER, new HostException(ErrorCode.FORBIDDEN,
                    "This route is served on the host's TLS listener only.",
                    "Connect to the host's LAN address over HTTPS (owctl does this)."));
        }
        if (rule.listener() == Access.Listener.LOCAL && !connection.localPlain()) {
            throw refused(HostEventProperties.REASON_WRONG_LISTENER, new HostException(ErrorCode.FORBIDDEN,
                    "This route is served to local processes only.", "Run it on the host itself, against http://127.0.0.1."));
        }
        String scope = rule.scopeFor(connection);
        if (scope.isEmpty()) {
            return;
        }
        boolean credentialGiven = request.getHeaderString("Authorization") != null
                || request.getCookies().containsKey(SESSION_COOKIE);
        Caller caller = authenticate(request, connection, rule.basic()).orElseThrow(() -> refused(
                credentialGiven ? HostEventProperties.REASON_BAD_CREDENTIAL : HostEventProperties.REASON_NO_CREDENTIAL,
                new HostException(ErrorCode.UNAUTHENTICATED,
                "A valid credential is required, and none was given or it is unknown, expired or revoked.",
                "Pair this device with the host (owctl pair), or on the host use the admin credential.")));
        if (!caller.may(scope)) {
            throw refused(HostEventProperties.REASON_MISSING_SCOPE, new HostException(ErrorCode.FORBIDDEN,
                    "This device's scopes do not include '" + scope + "'.",
                    "Ask the host's admin to grant it: devices:scopes <device-id> ... on the host console."));
        }
        request.setProperty(Caller.PROPERTY, caller);
    }

    private HostException refused(String reason, HostException failure) {
        failures.refused(reason, failure.getMessage());
        return failure;
    }

    private Optional<Caller> authenticate(ContainerRequestContext request, ConnectionFacts connection, boolean basicAllowed) {
        String authorization = request.getHeaderString("Authorization");
        if (authorization != null) {
            String credential;
            if (authorization.startsWith(BEARER)) {
                credential = authorization.substring(BEARER.length()).trim();
            } else if (basicAllowed && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
                credential = basicPassword(authorization.substring(BASIC.length()).trim());
                if (credential == null) {
                    return Optional.empty();
                }
            } else {
                return Optional.empty();
            }
            if (connection.localPlain() && admin.get() != null && admin.get().isAdminCredential(credential)) {
                return Optional.of(Caller.LOCAL_ADMIN);
            }
            DeviceRegistry registry = devices.get();
            if (registry == null) {
                throw unavailable();
            }
            Optional<Device> device = registry.authenticate(credential, connection.remoteAddress());
            return device.map(d -> new Caller(d.id(), d.scopes()));
        }
        Cookie session = request.getCookies().get(SESSION_COOKIE);
        if (session != null && connection.localPlain() && admin.get() != null && admin.get().isAdminSession(session.getValue())) {
            return Optional.of(Caller.LOCAL_ADMIN);
        }
        return Optional.empty();
    }

    /** The password of an HTTP Basic credential (the user name is ignored), or null when malformed. */
    static String basicPassword(String encoded) {
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 || colon == decoded.length() - 1 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The rule of a route: this bundle's {@link Access} first, then another bundle's {@link RouteAccess}
     * (method before class), else admin only.
     */
    static Rule ruleOf(Method method, Class<?> type) {
        Access onMethod = method == null ? null : method.getAnnotation(Access.class);
        RouteAccess routeOnMethod = method == null ? null : method.getAnnotation(RouteAccess.class);
        Access onType = type == null ? null : type.getAnnotation(Access.class);
        RouteAccess routeOnType = type == null ? null : type.getAnnotation(RouteAccess.class);
        if (onMethod != null) {
            return rule(onMethod);
        }
        if (routeOnMethod != null) {
            return rule(routeOnMethod);
        }
        if (onType != null) {
            return rule(onType);
        }
        return routeOnType != null ? rule(routeOnType) : rule(DENY_BY_DEFAULT);
    }

    private static Rule rule(Access access) {
        return new Rule(access.scope(), access.scope(), access.listener(), access.basic());
    }

    private static Rule rule(RouteAccess access) {
        String loopback = RouteAccess.SAME_AS_SCOPE.equals(access.loopbackScope()) ? access.scope() : access.loopbackScope();
        return new Rule(access.scope(), loopback, Access.Listener.ANY, false);
    }

    private static HostException unavailable() {
        return new HostException(ErrorCode.UNAVAILABLE, "The device registry is not running.",
                "The admin should check host:health and restart the devices bundle.");
    }

    private static final Access DENY_BY_DEFAULT = new Access() {
        @Override
        public String scope() {
            return dev.openwork.host.api.devices.Scopes.ADMIN;
        }

        @Override
        public Access.Listener listener() {
            return Access.Listener.ANY;
        }

        @Override
        public boolean basic() {
            return false;
        }

        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return Access.class;
        }
    };
}
