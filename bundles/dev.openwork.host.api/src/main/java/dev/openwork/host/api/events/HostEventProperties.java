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

    private HostEventProperties() {
    }
}
