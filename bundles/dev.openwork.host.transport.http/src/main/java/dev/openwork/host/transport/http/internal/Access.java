package dev.openwork.host.transport.http.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call a resource method. A method without it is refused to everyone but the admin
 * (deny by default).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@interface Access {

    /** The scope the caller needs; empty for a public route. */
    String scope();

    /** Where the route is served. */
    Listener listener() default Listener.ANY;

    /**
     * Whether HTTP Basic is accepted besides Bearer: any user name, the credential as the password.
     * Only for the OpenCode compatibility routes, whose SDK clients may know no other scheme.
     */
    boolean basic() default false;

    enum Listener {
        /** Both the loopback HTTP listener and the LAN TLS listener. */
        ANY,
        /** Only the LAN TLS listener (pairing binds the TLS key, so it needs TLS). */
        TLS,
        /** Only the loopback HTTP listener (local admin actions). */
        LOCAL
    }
}
