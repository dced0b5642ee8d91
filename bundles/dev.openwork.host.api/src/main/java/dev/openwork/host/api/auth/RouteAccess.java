package dev.openwork.host.api.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call a Jakarta RS resource method (or every method of a resource class) that a bundle
 * other than the REST transport registers on the host's application. The transport authenticates
 * every request and refuses it unless the caller's scopes cover the scope this annotation names; a
 * method without any access annotation needs {@code admin} (deny by default).
 *
 * <p>Scopes are those of {@code dev.openwork.host.api.devices.Scopes}; an empty scope means anyone.
 * The loopback listener (127.0.0.1) is reached only by processes on the host; {@link
 * #loopbackScope()} lets a route be more open there than on the LAN (a web page's static files, for
 * instance, which hold no data).
 *
 * @since 1.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RouteAccess {

    /** Marks {@link #loopbackScope()} as "the same as {@link #scope()}". */
    String SAME_AS_SCOPE = "<same>";

    /** The scope a caller needs; empty for anyone. */
    String scope();

    /** The scope a caller on the loopback listener needs, when it differs from {@link #scope()}. */
    String loopbackScope() default SAME_AS_SCOPE;
}
