package dev.openwork.host.runtime.opencode.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The runtime's configuration, checked once into an immutable value.
 *
 * @param enabled            whether the host starts OpenCode at all
 * @param binary             the executable: a path, or a name looked up on PATH
 * @param configFile         an OpenCode config file (providers, models) handed over as OPENCODE_CONFIG, or empty
 * @param permission         OpenCode's permission rules as JSON (OPENCODE_PERMISSION): what OpenCode must ask the host
 * @param passEnvironment    names of host environment variables OpenCode may see (e.g. a provider's API key)
 * @param startTimeout       how long OpenCode may take to answer its health route
 * @param restartDelay       the first wait before a restart after a crash; doubles per crash in a row
 * @param maxRestartDelay    the longest wait between restarts
 * @param askDevice          whether OpenCode's permission questions that no host policy decides are put to the
 *                           task's device (off: the gate's default for undecided calls applies)
 * @param defaultAgent       the OpenCode agent for prompts and shell commands that name none
 * @param stopGrace          how long OpenCode gets after SIGTERM before SIGKILL
 */
record OpenCodeSettings(boolean enabled, String binary, String configFile, String permission, List<String> passEnvironment,
        Duration startTimeout, Duration restartDelay, Duration maxRestartDelay,
        boolean askDevice, String defaultAgent, Duration stopGrace) {

    /** OpenCode asks the host before anything that runs, writes or reaches out. */
    static final String DEFAULT_PERMISSION = "{\"bash\":\"ask\",\"edit\":\"ask\",\"webfetch\":\"ask\","
            + "\"external_directory\":\"ask\",\"doom_loop\":\"ask\"}";

    OpenCodeSettings {
        binary = binary == null || binary.isBlank() ? "opencode" : binary.trim();
        configFile = configFile == null ? "" : configFile.trim();
        permission = permission == null || permission.isBlank() ? DEFAULT_PERMISSION : permission.trim();
        passEnvironment = passEnvironment == null ? List.of() : List.copyOf(passEnvironment);
        startTimeout = atLeast(startTimeout, Duration.ofSeconds(1));
        restartDelay = atLeast(restartDelay, Duration.ofMillis(50));
        maxRestartDelay = atLeast(maxRestartDelay, restartDelay);
        defaultAgent = defaultAgent == null || defaultAgent.isBlank() ? "build" : defaultAgent.trim();
        stopGrace = atLeast(stopGrace, Duration.ZERO);
    }

    static OpenCodeSettings of(OpenCodeComponent.Config config) {
        List<String> names = Arrays.stream(config.passEnvironment()).map(String::trim).filter(n -> !n.isEmpty()).toList();
        return new OpenCodeSettings(config.enabled(), config.binary(), config.configFile(), config.permission(), names,
                Duration.ofSeconds(config.startTimeoutSeconds()), Duration.ofMillis(config.restartDelayMillis()),
                Duration.ofMillis(config.maxRestartDelayMillis()),
                config.askDevice(), config.defaultAgent(), Duration.ofMillis(config.stopGraceMillis()));
    }

    private static Duration atLeast(Duration value, Duration min) {
        return value == null || value.compareTo(min) < 0 ? min : value;
    }
}
