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
     * {@link HostEventProperties#CLOSES_AT}.
     */
    public static final String PAIRING_WINDOW = ROOT + "pairing/WINDOW";

    /** A client connected (a stream opened or a request authenticated). */
    public static final String CLIENT_CONNECTED = ROOT + "client/CONNECTED";
    /** A client's connection or authentication failed; properties carry the cause. */
    public static final String CLIENT_FAILED = ROOT + "client/FAILED";

    private HostTopics() {
    }
}
