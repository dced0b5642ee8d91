package dev.openwork.host.api.devices;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scope names. A route or an action names the scope it needs; a device may do what its scopes
 * cover and nothing else (deny by default). {@link #ADMIN} covers every scope.
 *
 * <p>Besides the fixed route scopes, two kinds of grants say where tasks may run:
 * <ul>
 * <li>{@code runtime:<name>} lets the device use the runtime of that name ({@code runtime:shell});
 *     {@link #RUNTIME_ANY} ({@code runtime:*}) every installed runtime;</li>
 * <li>{@code workspace:<absolute directory>} lets it run tasks in that directory and below
 *     ({@code workspace:/home/anna/projects}); {@link #WORKSPACE_ANY} ({@code workspace:*}) in any
 *     directory the host allows for tasks at all.</li>
 * </ul>
 * A device needs {@link #TASKS_RUN}, a runtime grant and a workspace grant to run a task; without
 * a grant of a kind, it may use nothing of that kind. The host checks them when a task is submitted
 * and again before every tool call, so a change of scopes applies to running tasks too.
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

    /** Prefix of a runtime grant: {@code runtime:<name>}. */
    public static final String RUNTIME_PREFIX = "runtime:";
    /** Prefix of a workspace grant: {@code workspace:<absolute directory>}. */
    public static final String WORKSPACE_PREFIX = "workspace:";
    /** Every installed runtime. */
    public static final String RUNTIME_ANY = RUNTIME_PREFIX + "*";
    /** Every workspace the host allows for tasks (its configured workspace roots). */
    public static final String WORKSPACE_ANY = WORKSPACE_PREFIX + "*";

    /** The fixed route scopes a device can be granted (runtime and workspace grants come on top). */
    public static final Set<String> ALL = Set.of(ADMIN, STATUS_READ, TASKS_RUN, TASKS_READ, PERMISSIONS_ANSWER);

    /**
     * What a device gets when neither it nor the admin asks for anything else: the route scopes of
     * a phone plus every runtime and every workspace root of the host. An admin narrows them at
     * approval or later with {@code devices:scopes}.
     */
    public static final Set<String> DEFAULT_DEVICE = Set.of(STATUS_READ, TASKS_RUN, TASKS_READ, PERMISSIONS_ANSWER,
            RUNTIME_ANY, WORKSPACE_ANY);

    /** Most scopes one device may hold. */
    public static final int MAX_SCOPES = 64;
    /** Longest scope string (a workspace grant holds a path). */
    public static final int MAX_SCOPE_LENGTH = 1024;

    private static final Pattern RUNTIME_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Scopes() {
    }

    /** Whether {@code granted} covers {@code needed}. */
    public static boolean covers(Set<String> granted, String needed) {
        return granted.contains(ADMIN) || granted.contains(needed);
    }

    /**
     * Whether {@code scope} is a scope this host knows: one of {@link #ALL}, {@code runtime:*},
     * {@code runtime:<name>} (lower-case letters, digits, '.', '_' or '-'), {@code workspace:*}
     * or {@code workspace:<absolute, normalized path>}.
     */
    public static boolean isValid(String scope) {
        if (scope == null || scope.isEmpty() || scope.length() > MAX_SCOPE_LENGTH) {
            return false;
        }
        if (ALL.contains(scope) || RUNTIME_ANY.equals(scope) || WORKSPACE_ANY.equals(scope)) {
            return true;
        }
        if (scope.startsWith(RUNTIME_PREFIX)) {
            return RUNTIME_NAME.matcher(scope.substring(RUNTIME_PREFIX.length())).matches();
        }
        if (scope.startsWith(WORKSPACE_PREFIX)) {
            return workspaceRoot(scope) != null;
        }
        return false;
    }

    /** The runtime grant for {@code runtime}: {@code runtime:<runtime>}. */
    public static String runtime(String runtime) {
        return RUNTIME_PREFIX + runtime;
    }

    /** The workspace grant for {@code directory} (absolute): {@code workspace:<directory>}. */
    public static String workspace(Path directory) {
        return WORKSPACE_PREFIX + directory.toAbsolutePath().normalize();
    }

    /** Whether {@code granted} lets a device use the runtime {@code runtime}. */
    public static boolean coversRuntime(Set<String> granted, String runtime) {
        if (runtime == null) {
            return false;
        }
        return granted.contains(ADMIN) || granted.contains(RUNTIME_ANY) || granted.contains(RUNTIME_PREFIX + runtime);
    }

    /**
     * Whether {@code granted} lets a device run tasks in {@code workspace}: one of its workspace
     * grants is the directory itself or one of its parents. The comparison is by path elements
     * ({@code /home/an} does not cover {@code /home/anna}) and lexical: pass the workspace's real
     * path, as the host does, and grant real paths.
     */
    public static boolean coversWorkspace(Set<String> granted, Path workspace) {
        if (workspace == null || !workspace.isAbsolute()) {
            return false;
        }
        if (granted.contains(ADMIN) || granted.contains(WORKSPACE_ANY)) {
            return true;
        }
        Path normalized = workspace.normalize();
        for (String scope : granted) {
            if (scope.startsWith(WORKSPACE_PREFIX) && !WORKSPACE_ANY.equals(scope)) {
                Path root = workspaceRoot(scope);
                if (root != null && normalized.startsWith(root)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The directory of a {@code workspace:<path>} grant, or {@code null} when it is not an absolute normalized path. */
    private static Path workspaceRoot(String scope) {
        String path = scope.substring(WORKSPACE_PREFIX.length());
        if (path.isEmpty() || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return null;
        }
        try {
            Path root = Path.of(path);
            return root.isAbsolute() && root.normalize().toString().equals(path) ? root : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
