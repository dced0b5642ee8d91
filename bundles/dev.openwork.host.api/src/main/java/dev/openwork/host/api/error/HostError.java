package dev.openwork.host.api.error;

import java.util.Objects;

/**
 * An error as a client sees it.
 *
 * @param code    the {@link ErrorCode#wireName() wire name} of the code
 * @param message what was wrong, in plain words, without stack traces or secrets
 * @param action  what the user should do next, or {@code null} when there is nothing to do
 */
public record HostError(String code, String message, String action) {

    public HostError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** An error of the given code. */
    public static HostError of(ErrorCode code, String message, String action) {
        return new HostError(code.wireName(), message, action);
    }
}
