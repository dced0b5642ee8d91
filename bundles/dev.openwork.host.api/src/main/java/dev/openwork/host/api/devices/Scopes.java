package dev.openwork.host.api.devices;

import java.util.Set;

/**
 * Scope names. A route or an action names the scope it needs; a device may do what its scopes
 * cover and nothing else (deny by default). {@link #ADMIN} covers every scope.
 */
public final class Scopes {

    /** Everything, including devices and pairing administration. */
    public static final String ADMIN = "admin";
    /** Read the host's health and status. */
    public static final String STATUS_READ = "status:read";
    /** Submit and cancel tasks. */
    public static final String TASKS_RUN = "tasks:run";
    /** Read tasks and their logs. */
    public static final String TASKS_READ = "tasks:read";
    /** Answer permission prompts. */
    public static final String PERMISSIONS_ANSWER = "permissions:answer";

    /** Every scope a device can be granted. */
    public static final Set<String> ALL = Set.of(ADMIN, STATUS_READ, TASKS_RUN, TASKS_READ, PERMISSIONS_ANSWER);

    /** What a device gets when neither it nor the admin asks for anything else. */
    public static final Set<String> DEFAULT_DEVICE = Set.of(STATUS_READ, TASKS_RUN, TASKS_READ, PERMISSIONS_ANSWER);

    private Scopes() {
    }

    /** Whether {@code granted} covers {@code needed}. */
    public static boolean covers(Set<String> granted, String needed) {
        return granted.contains(ADMIN) || granted.contains(needed);
    }
}
