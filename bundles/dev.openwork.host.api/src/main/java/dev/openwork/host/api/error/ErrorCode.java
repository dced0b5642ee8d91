package dev.openwork.host.api.error;

import java.util.Locale;

/**
 * What went wrong, as a stable machine-readable code. The wire form is {@link #wireName()}
 * ({@code invalid_json}, {@code not_found}, ...). Clients branch on the code, people read the
 * message and the action.
 */
public enum ErrorCode {
    /** The request is well-formed but a value is wrong (missing field, bad range, ...). */
    INVALID_REQUEST,
    /** The body is not valid JSON, has a wrong type, or a field the route does not know. */
    INVALID_JSON,
    /** The body is larger than the host accepts. */
    PAYLOAD_TOO_LARGE,
    /** The body's media type is not one the route reads. */
    UNSUPPORTED_MEDIA_TYPE,
    /** The client asked for a representation the route cannot produce. */
    NOT_ACCEPTABLE,
    /** No such route or resource. */
    NOT_FOUND,
    /** The route exists but not for this method. */
    METHOD_NOT_ALLOWED,
    /** No credential, or one the host does not know (unknown, expired, revoked). */
    UNAUTHENTICATED,
    /** The credential is valid but its scopes do not cover this request. */
    FORBIDDEN,
    /** The request conflicts with the current state (e.g. a pairing is already under way). */
    CONFLICT,
    /** What the request refers to existed but has expired (e.g. a permission question nobody answered in time). */
    EXPIRED,
    /** Too many requests or attempts; wait or ask the admin. */
    RATE_LIMITED,
    /** A part the request needs is not running now (e.g. a runtime bundle is stopped). */
    UNAVAILABLE,
    /** A fault inside the host; details are in the host's log, never in the response. */
    INTERNAL;

    /** The code as it appears on the wire: lower case with underscores. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
