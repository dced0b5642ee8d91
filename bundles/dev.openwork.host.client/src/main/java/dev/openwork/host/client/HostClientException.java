package dev.openwork.host.client;

import dev.openwork.host.api.error.HostError;
import java.util.Objects;

/**
 * A failure of a client call, written for a person: {@link #getMessage()} says what happened,
 * {@link #action()} what to do. {@link #kind()} lets programs branch without matching text.
 */
public class HostClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Kind {
        /** The input (address, link, code, option) is not valid; nothing was sent. */
        INVALID_INPUT,
        /** Nothing accepts connections at the address, or it cannot be reached or resolved. */
        UNREACHABLE,
        /** The host did not answer in time. */
        TIMEOUT,
        /** The host presented a key other than the pinned or expected one. */
        HOST_KEY_MISMATCH,
        /** The TLS handshake failed for another reason (e.g. no TLS 1.3, not TLS at all). */
        TLS,
        /** The host answered with an error ({@link #hostError()} and {@link #httpStatus()} are set). */
        HOST_ERROR,
        /** The host no longer accepts the credential (unknown, expired or revoked). */
        UNAUTHENTICATED,
        /** The code was wrong (or the pairing transcripts differ); the host now shows a new code. */
        WRONG_CODE,
        /** The host's pairing confirmation did not verify: it does not know the code, or someone intercepts. */
        HOST_NOT_VERIFIED,
        /** The admin denied the device, or the attempt expired on the host. */
        PAIRING_REJECTED,
        /** The host sent something that does not follow the protocol. */
        PROTOCOL,
        /** A local file (credential store, admin token) could not be read or written. */
        LOCAL_FILE,
        /** Any other input/output failure. */
        IO
    }

    private final Kind kind;
    private final String action;
    private final HostError hostError;
    private final int httpStatus;

    public HostClientException(Kind kind, String message, String action) {
        this(kind, message, action, null, 0, null);
    }

    public HostClientException(Kind kind, String message, String action, Throwable cause) {
        this(kind, message, action, null, 0, cause);
    }

    public HostClientException(Kind kind, String message, String action, HostError hostError, int httpStatus,
            Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.action = action;
        this.hostError = hostError;
        this.httpStatus = httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    /** What the user should do next, or {@code null}. */
    public String action() {
        return action;
    }

    /** The host's error, when the host answered with one. */
    public HostError hostError() {
        return hostError;
    }

    /** The HTTP status of the host's answer, or 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The host's error code ({@code forbidden}, {@code conflict}, ...), or {@code null}. */
    public String hostErrorCode() {
        return hostError == null ? null : hostError.code();
    }
}
