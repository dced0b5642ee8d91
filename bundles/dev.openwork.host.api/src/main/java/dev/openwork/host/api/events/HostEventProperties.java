package dev.openwork.host.api.events;

/** Keys of the properties carried by {@link HostTopics} events. Values are strings or numbers. */
public final class HostEventProperties {

    /** The host's version. */
    public static final String VERSION = "host.version";
    /** The name of a health check. */
    public static final String CHECK_NAME = "health.check.name";
    /** A status before a change. */
    public static final String OLD_STATUS = "status.old";
    /** A status after a change. */
    public static final String NEW_STATUS = "status.new";
    /** The device the event concerns. */
    public static final String DEVICE_ID = "device.id";
    /** The task the event concerns. */
    public static final String TASK_ID = "task.id";
    /** The permission question the event concerns. */
    public static final String PERMISSION_ID = "permission.id";
    /** The tool of the call a permission event concerns ({@code bash}, {@code write}, ...). */
    public static final String TOOL = "tool";
    /** How a permission question was settled: {@code once}, {@code always}, {@code reject}, {@code timeout}, {@code cancelled}. */
    public static final String DECISION = "permission.decision";
    /** A cause in plain words. */
    public static final String CAUSE = "cause";
    /** Whether the pairing window is open now ({@code Boolean}). */
    public static final String PAIRING_OPEN = "pairing.open";
    /** When the open pairing window closes at the latest (epoch milliseconds, {@code Long}). */
    public static final String CLOSES_AT = "pairing.closesAt";
    /** The runtime of a task. @since 1.1 */
    public static final String RUNTIME = "task.runtime";
    /**
     * For a task reaching a terminal state: milliseconds from its creation to its end (a number).
     * @since 1.1
     */
    public static final String DURATION_MILLIS = "duration.millis";
    /** How something ended, as a lower-case word (e.g. a pairing step's outcome). @since 1.1 */
    public static final String OUTCOME = "outcome";
    /** What kind of thing the event is about (e.g. {@code tls} or {@code stream} for a connection). @since 1.1 */
    public static final String KIND = "kind";
    /** A machine-readable reason, one of the {@code REASON_*} values. @since 1.1 */
    public static final String REASON = "reason";

    /** No credential was given to a route that needs one. @since 1.1 */
    public static final String REASON_NO_CREDENTIAL = "no_credential";
    /** The credential is unknown, malformed, expired or revoked. @since 1.1 */
    public static final String REASON_BAD_CREDENTIAL = "bad_credential";
    /** The credential is valid but lacks the route's scope. @since 1.1 */
    public static final String REASON_MISSING_SCOPE = "missing_scope";
    /** The route is not served on the listener the request came on. @since 1.1 */
    public static final String REASON_WRONG_LISTENER = "wrong_listener";
    /** The Host header named another host (DNS rebinding or a wrong address). @since 1.1 */
    public static final String REASON_FOREIGN_HOST = "foreign_host";
    /** The Origin header named another web origin. @since 1.1 */
    public static final String REASON_FOREIGN_ORIGIN = "foreign_origin";
    /** A credential was sent in the URL. @since 1.1 */
    public static final String REASON_CREDENTIAL_IN_URL = "credential_in_url";
    /** A LAN connection failed its TLS handshake (old TLS version, a client that rejected the host key, ...). @since 1.1 */
    public static final String REASON_TLS_HANDSHAKE = "tls_handshake";

    private HostEventProperties() {
    }
}
