package dev.openwork.host.runtime.shell.internal;

/** How one step ended: its exit code (0 for success) and one line about it. */
record StepResult(int exitCode, String summary) {

    boolean ok() {
        return exitCode == 0;
    }
}
