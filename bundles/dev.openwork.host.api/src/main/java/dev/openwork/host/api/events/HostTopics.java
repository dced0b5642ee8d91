package dev.openwork.host.api.events;

/**
 * Topics of the events the host's bundles post on OSGi EventAdmin, all under {@link #ROOT}.
 * Subscribe to {@code ROOT + "*"} for everything. Events are posted asynchronously; a subscriber
 * must not block.
 */
public final class HostTopics {

    /** Prefix of every host topic. */
    public static final String ROOT = "dev/openwork/host/";

    /** The host finished starting; properties: {@link HostEventProperties#VERSION}. */
    public static final String HOST_STARTED = ROOT + "host/STARTED";
    /** The health of a check changed; properties: check name, old and new status. */
    public static final String HEALTH_CHANGED = ROOT + "health/CHANGED";

    /** A task changed state. */
    public static final String TASK_STATE = ROOT + "task/STATE";
    /** A task wrote output. */
    public static final String TASK_OUTPUT = ROOT + "task/OUTPUT";

    /**
     * A sensitive tool call waits for a permission answer; properties: permission id, task id,
     * device id (empty for the local admin), tool.
     */
    public static final String PERMISSION_ASKED = ROOT + "permission/ASKED";
    /** A permission question was answered (or timed out); properties as for ASKED plus the decision. */
    public static final String PERMISSION_ANSWERED = ROOT + "permission/ANSWERED";

    /** A device completed pairing and was approved. */
    public static final String DEVICE_PAIRED = ROOT + "device/PAIRED";
    /** A device's credential was revoked. */
    public static final String DEVICE_REVOKED = ROOT + "device/REVOKED";

    /**
     * The pairing window opened or closed (explicitly, after a pairing, at a cap or when its time
     * ran out); properties: {@link HostEventProperties#PAIRING_OPEN}, and while open
     * {@link HostEventProperties#CLOSES_AT}. Discovery follows it for its pairing flag.
     */
    public static final String PAIRING_WINDOW = ROOT + "pairing/WINDOW";

    /**
     * A client connected: a LAN connection completed its TLS handshake, or an event stream opened;
     * properties: {@link HostEventProperties#KIND} ({@code tls} or {@code stream}), for streams
     * {@link HostEventProperties#DEVICE_ID} ({@code admin} for the local admin).
     */
    public static final String CLIENT_CONNECTED = ROOT + "client/CONNECTED";
    /**
     * A client's connection or request was refused before it reached its route; properties:
     * {@link HostEventProperties#REASON} (one of the {@code REASON_*} values of
     * {@link HostEventProperties}) and {@link HostEventProperties#CAUSE} in plain words.
     */
    public static final String CLIENT_FAILED = ROOT + "client/FAILED";

    /**
     * An admin opened a pairing window.
     *
     * @since 1.1
     */
    public static final String PAIRING_WINDOW_OPENED = ROOT + "pairing/WINDOW_OPENED";
    /**
     * A step of a pairing attempt ended; properties: {@link HostEventProperties#OUTCOME}, one of
     * {@code started}, {@code failed}, {@code confirmed}, {@code approved}, {@code denied},
     * {@code expired}, {@code refused} (no window, locked, busy), and for {@code failed} and
     * {@code refused} the {@link HostEventProperties#CAUSE}. Never carries the code.
     *
     * @since 1.1
     */
    public static final String PAIRING_ATTEMPT = ROOT + "pairing/ATTEMPT";

    private HostTopics() {
    }
}
