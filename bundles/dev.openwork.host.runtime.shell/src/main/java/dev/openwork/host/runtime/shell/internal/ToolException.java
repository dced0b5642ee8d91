package dev.openwork.host.runtime.shell.internal;

/** A step that cannot be done, with the exit code it ends with and a message for the user. */
final class ToolException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Exit code of a step whose arguments are missing or wrong (as shells do for usage errors). */
    static final int USAGE = 2;
    /** Exit code of a file operation that failed or was refused. */
    static final int FAILED = 1;

    private final int exitCode;

    ToolException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static ToolException usage(String message) {
        return new ToolException(USAGE, message);
    }

    static ToolException failed(String message) {
        return new ToolException(FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
