package dev.openwork.host.api.error;

import java.util.Objects;

/**
 * Thrown by host services for failures a client should see. The transport turns it into a
 * {@link HostError} and picks the status from {@link #code()} alone. The message and action are
 * shown to the client verbatim, so they must hold no secret.
 */
public class HostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String action;

    public HostException(ErrorCode code, String message, String action) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.action = action;
    }

    public HostException(ErrorCode code, String message, String action, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.action = action;
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user should do next, or {@code null}. */
    public String action() {
        return action;
    }

    /** This failure as the client sees it. */
    public HostError toError() {
        return HostError.of(code, getMessage(), action);
    }
}
